using System.Security.Cryptography;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

/// <summary>What the customer does on their side of BYOK, with nothing but .NET: wrap key material for import,
/// and seal or open a data key with their own copy of the KEK (AES-256-GCM, IV ‖ ciphertext ‖ tag).</summary>
internal static class Customer
{
    /// <summary>Obviously fake customer KEK bytes: 00 01 … 1f.</summary>
    public static byte[] KnownKek() => [.. Enumerable.Range(0x00, 32).Select(i => (byte)i)];

    /// <summary>Obviously fake data key: 20 21 … 3f.</summary>
    public static byte[] KnownDataKey() => [.. Enumerable.Range(0x20, 32).Select(i => (byte)i)];

    public static readonly byte[] KnownAad = "tenant-a|dek|v1"u8.ToArray();

    /// <summary>AES-256-GCM of <see cref="KnownDataKey"/> under <see cref="KnownKek"/>, IV a0…ab, AAD <see cref="KnownAad"/>,
    /// computed with Python's <c>cryptography</c> (OpenSSL), not with .NET.</summary>
    public static readonly byte[] KnownWrappedDataKey = Convert.FromHexString(
        "a0a1a2a3a4a5a6a7a8a9aaab" + "c6395e0e61ee24984a4cadf82b57eef1409d6b23a682745ba4371cbd43964b3e" + "cc397db1016f14614ac1161a03f3b596");

    public static byte[] WrapForImport(ImportPublicKey importKey, ReadOnlySpan<byte> keyMaterial, ImportWrapping wrapping)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(importKey.SubjectPublicKeyInfo.Span, out _);
        return wrapping switch
        {
            ImportWrapping.RsaOaepSha256 => rsa.Encrypt(keyMaterial, RSAEncryptionPadding.OaepSHA256),
            ImportWrapping.RsaOaepSha1 => rsa.Encrypt(keyMaterial, RSAEncryptionPadding.OaepSHA1),
            ImportWrapping.RsaAesKeyWrapSha256 => RsaAesKeyWrap(rsa, keyMaterial, RSAEncryptionPadding.OaepSHA256),
            ImportWrapping.RsaAesKeyWrapSha1 => RsaAesKeyWrap(rsa, keyMaterial, RSAEncryptionPadding.OaepSHA1),
            _ => throw new ArgumentOutOfRangeException(nameof(wrapping)),
        };
    }

    public static byte[] Seal(byte[] kek, byte[] dataKey, byte[] aad)
    {
        byte[] wrapped = new byte[12 + dataKey.Length + 16];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, 12));
        using var gcm = new AesGcm(kek, 16);
        gcm.Encrypt(wrapped.AsSpan(0, 12), dataKey, wrapped.AsSpan(12, dataKey.Length), wrapped.AsSpan(12 + dataKey.Length), aad);
        return wrapped;
    }

    public static byte[] Open(byte[] kek, byte[] wrapped, byte[] aad)
    {
        byte[] dataKey = new byte[wrapped.Length - 12 - 16];
        using var gcm = new AesGcm(kek, 16);
        gcm.Decrypt(wrapped.AsSpan(0, 12), wrapped.AsSpan(12, dataKey.Length), wrapped.AsSpan(12 + dataKey.Length), dataKey, aad);
        return dataKey;
    }

    /// <summary>CKM_RSA_AES_KEY_WRAP as the clouds publish it: RSA-OAEP of a fresh AES-256 key ‖ RFC 5649 wrap of the key under it.</summary>
    private static byte[] RsaAesKeyWrap(RSA rsa, ReadOnlySpan<byte> keyMaterial, RSAEncryptionPadding padding)
    {
        byte[] ephemeral = RandomNumberGenerator.GetBytes(32);
        using var aes = Aes.Create();
        aes.Key = ephemeral;
        return [.. rsa.Encrypt(ephemeral, padding), .. aes.EncryptKeyWrapPadded(keyMaterial)];
    }
}
