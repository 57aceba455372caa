using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PrivateInference.Cryptography;

/// <summary>
/// One DEK version, keyed once: seals and opens <see cref="ValueEnvelope"/> frames like its static methods, without
/// setting the key up on every call. Thread-safe.
/// </summary>
/// <remarks>
/// <para>Holds a small pool of <see cref="AesGcm"/> instances (an instance is not safe for concurrent use), each with
/// the key schedule in native memory. <see cref="Dispose"/> disposes them all, which cleanses that memory; an
/// instance in use at that moment is disposed when it comes back. The <see cref="SecretKey"/> stays the caller's:
/// dispose it after the cipher.</para>
/// </remarks>
public sealed class ValueCipher : IDisposable
{
    private readonly SecretKey _key;
    private readonly ConcurrentBag<AesGcm> _pool = [];
    private volatile bool _disposed;

    public ValueCipher(SecretKey dek, int keyVersion)
    {
        ValueEnvelope.RequireDek(dek);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyVersion, 1);
        _key = dek;
        KeyVersion = keyVersion;
    }

    /// <summary>The DEK version written into every frame this cipher seals.</summary>
    public int KeyVersion { get; }

    /// <summary>Encrypts under this DEK with a fresh random nonce (same frame as <see cref="ValueEnvelope.Seal(SecretKey, int, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>).</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        Span<byte> nonce = stackalloc byte[ValueEnvelope.NonceSize];
        Nonces.Next(nonce);
        var gcm = Rent();
        try
        {
            return ValueEnvelope.SealWith(gcm, KeyVersion, plaintext, aad, nonce);
        }
        finally
        {
            Return(gcm);
        }
    }

    /// <summary>Authenticates and decrypts a frame sealed under this DEK; the caller wipes the result.</summary>
    /// <exception cref="EnvelopeException">Malformed, sealed under another version or key, or tampered.</exception>
    public byte[] Open(ReadOnlySpan<byte> envelope, ReadOnlySpan<byte> aad)
    {
        if (ValueEnvelope.ReadKeyVersion(envelope) != KeyVersion)
        {
            throw new EnvelopeException();
        }

        var gcm = Rent();
        try
        {
            return ValueEnvelope.OpenWith(gcm, envelope, aad);
        }
        finally
        {
            Return(gcm);
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_pool.TryTake(out var gcm))
        {
            gcm.Dispose();
        }
    }

    public override string ToString() => $"ValueCipher(v{KeyVersion})";

    private AesGcm Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pool.TryTake(out var gcm) ? gcm : new AesGcm(_key.Span, ValueEnvelope.TagSize);
    }

    private void Return(AesGcm gcm)
    {
        if (_disposed)
        {
            gcm.Dispose();
            return;
        }

        _pool.Add(gcm);
        if (_disposed && _pool.TryTake(out var late))
        {
            late.Dispose();
        }
    }
}
