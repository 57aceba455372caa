using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace PrivateInference.Cryptography;

/// <summary>AES-256-GCM framing of vault values.</summary>
/// <remarks>
/// <para>Frame (format 0x01):</para>
/// <code>
/// offset 0   format      1 byte   0x01
/// offset 1   key version 4 bytes  uint32 big-endian (the DEK version that sealed it)
/// offset 5   nonce       12 bytes random per seal
/// offset 17  ciphertext  n bytes  (n = plaintext length)
/// offset 17+n tag        16 bytes
/// GCM associated data = format ‖ key version ‖ caller's AAD (see ValueAad)
/// </code>
/// <para>Security invariants:</para>
/// <list type="bullet">
/// <item>The header is authenticated: rewriting the version to point at another DEK, or the format byte, fails the tag.
/// The header is fixed-length, so header ‖ AAD is unambiguous.</item>
/// <item>The caller's AAD binds the ciphertext to its row (tenant, token, type, version): a ciphertext moved elsewhere
/// does not open.</item>
/// <item>Nonces are 96 random bits per seal. With random nonces a single DEK must seal fewer than 2^32 values (NIST SP
/// 800-38D); rotation of the DEK keeps each version far below that.</item>
/// <item>Every failure is one <see cref="EnvelopeException"/> with a fixed message; no partial plaintext is returned
/// (the output buffer is zeroed on failure).</item>
/// <item>Implementation: BouncyCastle's GcmBlockCipher over its hardware AES engine. It measured 1.4–3.5 times faster
/// than .NET's <see cref="AesGcm"/> per call (docs/PERFORMANCE.md): the DEK arrives per call, and OpenSSL 3's
/// per-context key setup costs more than the whole BouncyCastle operation on a vault-sized value. The cost: BouncyCastle
/// copies the key into managed arrays (key parameter, round keys, GHASH tables) that it never wipes; they are garbage
/// after the call and are overwritten only when the GC reuses that memory. Our own buffers are wiped as everywhere else.</item>
/// </list>
/// </remarks>
public static class ValueEnvelope
{
    /// <summary>The only format this version writes and reads.</summary>
    public const byte FormatV1 = 0x01;

    /// <summary>Bytes a frame adds to its plaintext: header, nonce and tag.</summary>
    public const int Overhead = HeaderSize + NonceSize + TagSize;

    /// <summary>Length of the DEK: AES-256.</summary>
    public const int KeyLength = 32;

    private const int HeaderSize = 1 + sizeof(uint);
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int CiphertextOffset = HeaderSize + NonceSize;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="dek"/> with a fresh random nonce.</summary>
    /// <param name="dek">The tenant's data-encryption key, 32 bytes.</param>
    /// <param name="keyVersion">The DEK's version, written into the header so <see cref="Open"/>'s caller can pick the key.</param>
    /// <param name="plaintext">The value; the caller keeps and wipes it.</param>
    /// <param name="aad">Where the value is stored (<see cref="ValueAad.For"/>); the same bytes are needed to open it.</param>
    public static byte[] Seal(SecretKey dek, int keyVersion, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return Seal(dek, keyVersion, plaintext, aad, nonce);
    }

    /// <summary>Seal with a given nonce: for known-answer tests only. Reusing a nonce under one key breaks GCM.</summary>
    internal static byte[] Seal(SecretKey dek, int keyVersion, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> nonce)
    {
        RequireDek(dek);
        ArgumentOutOfRangeException.ThrowIfNegative(keyVersion);
        if (nonce.Length != NonceSize)
        {
            throw new ArgumentException("The nonce must be 12 bytes.", nameof(nonce));
        }

        var envelope = new byte[checked(Overhead + plaintext.Length)];
        var frame = envelope.AsSpan();
        frame[0] = FormatV1;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..HeaderSize], (uint)keyVersion);
        nonce.CopyTo(frame[HeaderSize..]);

        var gcm = NewGcm(forEncryption: true, dek, nonce, frame[..HeaderSize], aad);
        var written = gcm.ProcessBytes(plaintext, frame[CiphertextOffset..]);
        gcm.DoFinal(frame[(CiphertextOffset + written)..]);
        return envelope;
    }

    /// <summary>Authenticates and decrypts a frame. The caller owns the returned plaintext and must wipe it.</summary>
    /// <exception cref="EnvelopeException">The frame is too short, of an unknown format, or fails authentication (wrong
    /// key, wrong AAD, any byte changed).</exception>
    public static byte[] Open(SecretKey dek, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> aad)
    {
        RequireDek(dek);
        ReadKeyVersion(envelope);

        var plaintext = new byte[envelope.Length - Overhead];
        try
        {
            var gcm = NewGcm(forEncryption: false, dek, envelope.Slice(HeaderSize, NonceSize), envelope[..HeaderSize], aad);
            var written = gcm.ProcessBytes(envelope[CiphertextOffset..], plaintext);
            gcm.DoFinal(plaintext.AsSpan(written));
            return plaintext;
        }
        catch (CryptoException)
        {
            // GCM decrypts before the tag is checked at the end: unauthenticated plaintext must not survive.
            CryptographicOperations.ZeroMemory(plaintext);
            throw new EnvelopeException();
        }
    }

    /// <summary>The format byte, for routing frames of future formats before opening them.</summary>
    /// <exception cref="EnvelopeException">The frame is empty.</exception>
    public static byte ReadFormat(ReadOnlySpan<byte> envelope) =>
        envelope.IsEmpty ? throw new EnvelopeException() : envelope[0];

    /// <summary>The DEK version that sealed the frame, so the caller can fetch that key. Not authenticated until
    /// <see cref="Open"/> succeeds: a forged version only selects a key that then fails the tag.</summary>
    /// <exception cref="EnvelopeException">The frame is too short, of an unknown format, or names a version above
    /// <see cref="int.MaxValue"/>.</exception>
    public static int ReadKeyVersion(ReadOnlySpan<byte> envelope)
    {
        if (envelope.Length < Overhead || envelope[0] != FormatV1)
        {
            throw new EnvelopeException();
        }

        var version = BinaryPrimitives.ReadUInt32BigEndian(envelope[1..HeaderSize]);
        return version > int.MaxValue ? throw new EnvelopeException() : (int)version;
    }

    private static void RequireDek(SecretKey dek)
    {
        ArgumentNullException.ThrowIfNull(dek);
        if (dek.Length != KeyLength)
        {
            throw new ArgumentException("A data-encryption key must be 32 bytes (AES-256).", nameof(dek));
        }
    }

    /// <summary>AES-256-GCM with a 128-bit tag, keyed and fed the associated data header ‖ aad (fixed-length header, so
    /// the concatenation is unambiguous).</summary>
    private static GcmBlockCipher NewGcm(bool forEncryption, SecretKey dek, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> header, ReadOnlySpan<byte> aad)
    {
        var gcm = new GcmBlockCipher(AesUtilities.CreateEngine());
        gcm.Init(forEncryption, new AeadParameters(new KeyParameter(dek.Span), TagSize * 8, nonce.ToArray()));
        gcm.ProcessAadBytes(header);
        gcm.ProcessAadBytes(aad);
        return gcm;
    }
}
