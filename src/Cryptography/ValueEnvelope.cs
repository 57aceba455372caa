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
/// <item>Implementation: .NET's <see cref="AesGcm"/> (OpenSSL on Linux, CNG on Windows). It measured faster than
/// BouncyCastle's GcmBlockCipher for vault-sized values (docs/PERFORMANCE.md), and it keeps the expanded key inside
/// the native library, which frees and cleanses it on dispose; BouncyCastle copies keys into managed arrays it never wipes.</item>
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
    private const int StackLimit = 256;

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

        var associated = AssociatedData(frame[..HeaderSize], aad, stackalloc byte[StackLimit]);
        using var gcm = new AesGcm(dek.Span, TagSize);
        gcm.Encrypt(nonce, plaintext, frame.Slice(CiphertextOffset, plaintext.Length), frame[^TagSize..], associated);
        return envelope;
    }

    /// <summary>Authenticates and decrypts a frame. The caller owns the returned plaintext and must wipe it.</summary>
    /// <exception cref="EnvelopeException">The frame is too short, of an unknown format, or fails authentication (wrong
    /// key, wrong AAD, any byte changed).</exception>
    public static byte[] Open(SecretKey dek, ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> aad)
    {
        RequireDek(dek);
        ReadKeyVersion(envelope);

        var nonce = envelope.Slice(HeaderSize, NonceSize);
        var ciphertext = envelope[CiphertextOffset..^TagSize];
        var tag = envelope[^TagSize..];
        var associated = AssociatedData(envelope[..HeaderSize], aad, stackalloc byte[StackLimit]);

        var plaintext = new byte[ciphertext.Length];
        using var gcm = new AesGcm(dek.Span, TagSize);
        try
        {
            gcm.Decrypt(nonce, ciphertext, tag, plaintext, associated);
            return plaintext;
        }
        catch (CryptographicException)
        {
            // AesGcm already clears the output on a tag mismatch; this also covers any other failure inside it.
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

    /// <summary>header ‖ aad, on the stack when short. AAD is not secret, so the heap fallback needs no wiping.</summary>
    private static ReadOnlySpan<byte> AssociatedData(ReadOnlySpan<byte> header, ReadOnlySpan<byte> aad, Span<byte> stack)
    {
        var length = checked(header.Length + aad.Length);
        var buffer = length <= stack.Length ? stack[..length] : new byte[length];
        header.CopyTo(buffer);
        aad.CopyTo(buffer[header.Length..]);
        return buffer;
    }
}
