using System.Security.Cryptography;

namespace PrivateInference.TokenVault.Keys;

/// <summary>The public half of an import key pair, handed to the customer to wrap their key material for one KEK name.</summary>
/// <remarks>
/// The RSA-3072 private half stays in the provider (in a PKCS#11 token: sensitive, non-extractable, unwrap only)
/// and may unwrap exactly one key: <see cref="IKekProvider.Import"/> destroys it after a successful import. It is
/// bound to <see cref="KekName"/>: an import into another name does not find it. It expires at
/// <see cref="ExpiresAt"/> (after <see cref="Lifetime"/>) and is then destroyed on the next use or request.
/// </remarks>
/// <param name="Id">Pass back to <see cref="IKekProvider.Import"/>.</param>
/// <param name="KekName">The only KEK name the wrapped key material can be imported into.</param>
/// <param name="SubjectPublicKeyInfo">The RSA public key, DER (<c>RSA.ImportSubjectPublicKeyInfo</c> reads it).</param>
/// <param name="ExpiresAt">When the provider stops accepting key material wrapped under this key.</param>
/// <param name="Wrappings">The wrappings this provider (and its module) accept with this key.</param>
public sealed record ImportPublicKey(
    ImportKeyId Id,
    string KekName,
    ReadOnlyMemory<byte> SubjectPublicKeyInfo,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<ImportWrapping> Wrappings)
{
    /// <summary>How long an import key is accepted after it was made (AWS KMS import tokens: 24 hours too).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>Length of the import key's modulus.</summary>
    public const int KeySizeBits = 3072;

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>), for people and <c>openssl</c>.</summary>
    public string Pem => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo.Span);
}
