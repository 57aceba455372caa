using System.Buffers.Binary;
using System.Text;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Keyring;

/// <summary>The associated data a tenant data key is wrapped with: a wrapped key copied to another tenant,
/// purpose or version fails to unwrap.</summary>
internal static class DataKeyAad
{
    private const string Domain = "pi.datakey.v1";

    public static byte[] For(string tenantId, DataKeyPurpose purpose, int version)
    {
        var fields = new[] { Domain, tenantId, PurposeName(purpose) };
        var length = 4;
        foreach (var f in fields)
        {
            length += 4 + Encoding.UTF8.GetByteCount(f);
        }

        var aad = new byte[length];
        var p = 0;
        foreach (var f in fields)
        {
            var n = Encoding.UTF8.GetBytes(f, aad.AsSpan(p + 4));
            BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(p), (uint)n);
            p += 4 + n;
        }

        BinaryPrimitives.WriteUInt32BigEndian(aad.AsSpan(p), (uint)version);
        return aad;
    }

    public static string PurposeName(DataKeyPurpose purpose) => purpose switch
    {
        DataKeyPurpose.Value => "value",
        DataKeyPurpose.Fingerprint => "fingerprint",
        _ => "model",
    };
}
