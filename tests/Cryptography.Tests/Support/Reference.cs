using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace PrivateInference.Cryptography.Tests.Support;

/// <summary>
/// Independent implementations of the formats, written from their specifications with the other library's primitives
/// (the envelope uses BouncyCastle's GCM, so the reference uses .NET's AesGcm; the fingerprint uses .NET's HMACSHA256,
/// so the reference uses BouncyCastle's HMac), to check known answers against something other than the code under test.
/// </summary>
internal static class Reference
{
    /// <summary>format 0x01 ‖ version BE ‖ nonce ‖ AES-GCM(key, nonce, aad = header ‖ aad, plaintext) ‖ tag.</summary>
    public static byte[] Envelope(byte[] key, uint version, byte[] nonce, byte[] plaintext, byte[] aad)
    {
        var header = new byte[5];
        header[0] = 0x01;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), version);
        return [.. header, .. nonce, .. Gcm(key, nonce, plaintext, [.. header, .. aad])];
    }

    /// <summary>AES-GCM with a 128-bit tag: ciphertext ‖ tag.</summary>
    public static byte[] Gcm(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad)
    {
        var output = new byte[plaintext.Length + 16];
        using var gcm = new AesGcm(key, 16);
        gcm.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        return output;
    }

    /// <summary>HMAC-SHA256(key, UTF8(prefix) ‖ 0x00 ‖ UTF8(value)).</summary>
    public static byte[] Fingerprint(byte[] key, string prefix, string value)
    {
        byte[] message = [.. Encoding.UTF8.GetBytes(prefix), 0x00, .. Encoding.UTF8.GetBytes(value)];
        var hmac = new HMac(new Sha256Digest());
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(message, 0, message.Length);
        var output = new byte[32];
        hmac.DoFinal(output, 0);
        return output;
    }
}
