using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace PrivateInference.Cryptography.Surrogates;

/// <summary>The AES forward function for BouncyCastle's FF1 engine, computed by .NET's <see cref="Aes"/> (ECB, one
/// block at a time), so that the key stays in .NET's pinned key box and OpenSSL's key schedule, both wiped on
/// <see cref="Dispose"/>, and never in BouncyCastle's unwiped managed arrays.</summary>
/// <remarks>The instance is keyed at construction. <see cref="Init"/> only accepts the forward direction with
/// <see cref="Placeholder"/>, the zero-length <see cref="KeyParameter"/> handed to BouncyCastle in place of the key:
/// anything else is a wiring mistake, and failing loudly beats encrypting under the wrong key.</remarks>
internal sealed class PlatformAesBlock : IBlockCipher, IDisposable
{
    private const int BlockLength = 16;

    private readonly Aes _aes;
    private readonly ICryptoTransform _encryptor;
    private readonly byte[] _in = GC.AllocateArray<byte>(BlockLength, pinned: true);
    private readonly byte[] _out = GC.AllocateArray<byte>(BlockLength, pinned: true);

    public PlatformAesBlock(ReadOnlySpan<byte> key)
    {
        _aes = Aes.Create();
        try
        {
            _aes.SetKey(key);
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
            _encryptor = _aes.CreateEncryptor();
        }
        catch
        {
            _aes.Dispose();
            throw;
        }
    }

    /// <summary>What BouncyCastle gets instead of the key: no bytes.</summary>
    public static KeyParameter Placeholder { get; } = new(Array.Empty<byte>());

    public string AlgorithmName => "AES";

    public int GetBlockSize() => BlockLength;

    public void Init(bool forEncryption, ICipherParameters parameters)
    {
        if (!forEncryption || !ReferenceEquals(parameters, Placeholder))
        {
            throw new InvalidOperationException("The platform AES block serves FF1's forward function with its own key only.");
        }
    }

    public int ProcessBlock(byte[] inBuf, int inOff, byte[] outBuf, int outOff) =>
        ProcessBlock(inBuf.AsSpan(inOff, BlockLength), outBuf.AsSpan(outOff, BlockLength));

    public int ProcessBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        input[..BlockLength].CopyTo(_in);
        _encryptor.TransformBlock(_in, 0, BlockLength, _out, 0);
        _out.CopyTo(output);
        return BlockLength;
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_in);
        CryptographicOperations.ZeroMemory(_out);
    }
}
