using System.Diagnostics;
using System.Security.Cryptography;

namespace PrivateInference.Cryptography;

/// <summary>Key material held in one pinned buffer that is zeroed when the key is disposed.</summary>
/// <remarks>
/// <para>Security invariants:</para>
/// <list type="bullet">
/// <item>The bytes live in exactly one array, allocated on the pinned object heap, so the garbage collector never
/// moves them and leaves no stale copy behind; <see cref="Dispose"/> overwrites that array with zeros.</item>
/// <item><see cref="Span"/> is the only way to read the bytes, and it throws <see cref="ObjectDisposedException"/>
/// after disposal. <see cref="ToString"/> and the debugger display show the length only.</item>
/// <item>A key that is never disposed is zeroed by its finalizer; that is a safety net, not the plan: dispose
/// keys deterministically (<c>using</c>).</item>
/// <item>Callers that copy <see cref="Span"/> into their own buffers own those copies and must wipe them.</item>
/// </list>
/// <para>Reading <see cref="Span"/> while another thread disposes the key is a caller bug: the reader may see zeros.</para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public sealed class SecretKey : IDisposable
{
    [DebuggerBrowsable(DebuggerBrowsableState.Never)]
    private readonly byte[] _bytes;

    private int _disposed;

    private SecretKey(int length)
    {
        _bytes = GC.AllocateArray<byte>(length, pinned: true);
    }

    ~SecretKey()
    {
        CryptographicOperations.ZeroMemory(_bytes);
    }

    /// <summary>The key bytes.</summary>
    /// <exception cref="ObjectDisposedException">The key was disposed.</exception>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _bytes;
        }
    }

    /// <summary>Length of the key in bytes (still readable after disposal: a length is not secret).</summary>
    public int Length => _bytes.Length;

    /// <summary>Copies <paramref name="key"/> into a new pinned buffer. The caller still owns, and wipes, the source.</summary>
    public static SecretKey Copy(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("A key must not be empty.", nameof(key));
        }

        var secret = new SecretKey(key.Length);
        key.CopyTo(secret._bytes);
        return secret;
    }

    /// <summary>A new random key from the operating system's CSPRNG (<see cref="RandomNumberGenerator"/>).</summary>
    public static SecretKey Generate(int lengthBytes = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lengthBytes);
        var secret = new SecretKey(lengthBytes);
        RandomNumberGenerator.Fill(secret._bytes);
        return secret;
    }

    /// <summary>Zeroes the key bytes. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            CryptographicOperations.ZeroMemory(_bytes);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Says what this is and how long it is, never the bytes: keys end up in log lines and exception text by accident.</summary>
    public override string ToString() => $"SecretKey(redacted, {_bytes.Length} bytes)";
}
