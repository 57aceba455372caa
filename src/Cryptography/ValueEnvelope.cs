using System.Buffers.Binary;
using System.Security.Cryptography;

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
/// <item>Implementation: .NET's <see cref="AesGcm"/> (OpenSSL), whose key schedule lives in native memory that is
/// cleansed on dispose. Per call it costs more than BouncyCastle's GcmBlockCipher (OpenSSL 3 sets up a context per
/// key), but BouncyCastle copies the key into managed arrays it never wipes, which a kill switch cannot take back.
/// The vault therefore keeps a keyed <see cref="ValueCipher"/> per DEK version: with the key set up once, .NET is as
/// fast as BouncyCastle per call (docs/PERFORMANCE.md) and every copy of the key is wiped when the cipher is
/// disposed.</item>
/// <item>Nonces come from the OS CSPRNG in blocks (<see cref="Nonces"/>): one system call per 85 seals instead of one each.</item>
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
    internal const int NonceSize = 12;
    internal const int TagSize = 16;
    private const int CiphertextOffset = HeaderSize + NonceSize;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="dek"/> with a fresh random nonce.</summary>
    /// <param name="dek">The tenant's data-encryption key, 32 bytes.</param>
    /// <param name="keyVersion">The DEK's version, written into the header so <see cref="Open"/>'s caller can pick the key.</param>
    /// <param name="plaintext">The value; the caller keeps and wipes it.</param>
    /// <param name="aad">Where the value is stored (<see cref="ValueAad.For"/>); the same bytes are needed to open it.</param>
    public static byte[] Seal(SecretKey dek, int keyVersion, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Nonces.Next(nonce);
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

        using var gcm = new AesGcm(dek.Span, TagSize);
        return SealWith(gcm, keyVersion, plaintext, aad, nonce);
    }

    /// <summary>Seals with a keyed cipher (see <see cref="ValueCipher"/>).</summary>
    internal static byte[] SealWith(AesGcm gcm, int keyVersion, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> nonce)
    {
        var envelope = new byte[checked(Overhead + plaintext.Length)];
        var frame = envelope.AsSpan();
        frame[0] = FormatV1;
        BinaryPrimitives.WriteUInt32BigEndian(frame[1..HeaderSize], (uint)keyVersion);
        nonce.CopyTo(frame[HeaderSize..]);
        var associated = AssociatedData(frame[..HeaderSize], aad, out var rented);
        try
        {
            gcm.Encrypt(frame.Slice(HeaderSize, NonceSize), plaintext, frame.Slice(CiphertextOffset, plaintext.Length), frame[(CiphertextOffset + plaintext.Length)..], associated);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return envelope;
    }

    /// <summary>Authenticates and decrypts a frame. The caller owns the returned plaintext and must wipe it.</summary>
    /// <exception cref="EnvelopeException">The frame is too short, of an unknown format, or fails authentication (wrong
    /// key, wrong AAD, any byte changed).</exception>
    public static byte[] Open(SecretKey dek, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> aad)
    {
        RequireDek(dek);
        ReadKeyVersion(envelope);

        using var gcm = new AesGcm(dek.Span, TagSize);
        return OpenWith(gcm, envelope, aad);
    }

    /// <summary>Opens with a keyed cipher (see <see cref="ValueCipher"/>); the frame must already be known well-formed
    /// or is checked here.</summary>
    internal static byte[] OpenWith(AesGcm gcm, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> aad)
    {
        ReadKeyVersion(envelope);
        var plaintext = new byte[envelope.Length - Overhead];
        var associated = AssociatedData(envelope[..HeaderSize], aad, out var rented);
        try
        {
            gcm.Decrypt(envelope.Slice(HeaderSize, NonceSize), envelope.Slice(CiphertextOffset, plaintext.Length), envelope[(CiphertextOffset + plaintext.Length)..], plaintext, associated);
            return plaintext;
        }
        catch (CryptographicException)
        {
            // AesGcm leaves nothing unauthenticated behind, but the buffer is ours: wipe it anyway.
            CryptographicOperations.ZeroMemory(plaintext);
            throw new EnvelopeException();
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>header ‖ aad in a pooled buffer (AesGcm takes one associated-data span; neither part is secret).</summary>
    private static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> aad, out byte[]? rented)
    {
        var length = header.Length + aad.Length;
        rented = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        header.CopyTo(rented);
        aad.CopyTo(rented.AsSpan(header.Length));
        return rented.AsSpan(0, length);
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

    internal static void RequireDek(SecretKey dek)
    {
        ArgumentNullException.ThrowIfNull(dek);
        if (dek.Length != KeyLength)
        {
            throw new ArgumentException("A data-encryption key must be 32 bytes (AES-256).", nameof(dek));
        }
    }
}
