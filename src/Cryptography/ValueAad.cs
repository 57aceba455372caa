using System.Buffers.Binary;
using System.Text;

namespace PrivateInference.Cryptography;

/// <summary>The associated data that binds a vault value's ciphertext to where it is stored.</summary>
/// <remarks>
/// <para>Layout (every length a uint32 big-endian byte count, every string UTF-8):</para>
/// <code>
/// len ‖ "pi.value.v1" ‖ len ‖ tenantId ‖ len ‖ tokenId ‖ len ‖ entityType ‖ keyVersion (uint32 BE)
/// </code>
/// <para>Security invariants: the encoding is injective (length prefixes, no separators that a field could contain),
/// so no two different (tenant, token, type, version) tuples share an AAD, and a ciphertext copied to another row,
/// tenant, type or key version fails authentication. The domain label keeps these bytes distinct from any other AAD
/// or MAC input the project defines, and versions the layout itself.</para>
/// </remarks>
public static class ValueAad
{
    /// <summary>Domain label and layout version.</summary>
    public const string DomainLabel = "pi.value.v1";

    /// <summary>The canonical AAD for one vault value; the token part is the row key, a token ID or an ID with a spelling
    /// mark (<see cref="TokenId.IsValidKey"/>).</summary>
    /// <exception cref="ArgumentException">A field is empty or not well-formed, the token key or the entity type does not
    /// match the token grammar, or the key version is negative. Messages name the parameter, never its content.</exception>
    public static byte[] For(string tenantId, string tokenId, string entityType, int keyVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentNullException.ThrowIfNull(tokenId);
        ArgumentNullException.ThrowIfNull(entityType);
        TokenId.RequireKey(tokenId, nameof(tokenId));
        Token.RequireEntityType(entityType, nameof(entityType));
        ArgumentOutOfRangeException.ThrowIfNegative(keyVersion);

        var tenantBytes = Encoding.UTF8.GetByteCount(tenantId);
        var aad = new byte[checked(
            (4 * sizeof(uint)) + DomainLabel.Length + tenantBytes + tokenId.Length + entityType.Length + sizeof(uint))];
        var rest = aad.AsSpan();
        rest = WriteField(rest, DomainLabel, DomainLabel.Length, nameof(DomainLabel));
        rest = WriteField(rest, tenantId, tenantBytes, nameof(tenantId));
        rest = WriteField(rest, tokenId, tokenId.Length, nameof(tokenId));
        rest = WriteField(rest, entityType, entityType.Length, nameof(entityType));
        BinaryPrimitives.WriteUInt32BigEndian(rest, (uint)keyVersion);
        return aad;
    }

    private static Span<byte> WriteField(Span<byte> destination, string value, int byteCount, string parameterName)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)byteCount);
        var written = StrictUtf8.Encode(value, destination.Slice(sizeof(uint), byteCount), parameterName);
        return destination[(sizeof(uint) + written)..];
    }
}
