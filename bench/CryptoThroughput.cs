using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using PrivateInference.Cryptography;

namespace PrivateInference.Bench;

/// <summary>
/// Cost of sealing and opening one vault value: the library's <see cref="ValueEnvelope"/> (BouncyCastle's
/// GcmBlockCipher) against the same frame built with .NET's <see cref="AesGcm"/>; plus the keyed fingerprint.
/// </summary>
/// <remarks>
/// Every operation sets the key up again, as the library's API does (the DEK arrives per call as a SecretKey), and
/// allocates its output. The "reused key" rows keep one cipher object per key, to show what the key setup costs and
/// what caching a cipher per DEK version would gain. The nonce row is the random draw every seal makes.
/// <see cref="Size"/> is the value length in bytes (for the fingerprint, in ASCII characters).
/// </remarks>
public class CryptoThroughput : IDisposable
{
    private const int Version = 3;
    private const int Header = 5;
    private const int Nonce = 12;
    private const int Tag = 16;

    private readonly byte[] _aad = ValueAad.For("tenant-bench", "7QH2K9MX3A", "PERSON", Version);
    private SecretKey _dek = null!;
    private byte[] _dekBytes = [];
    private SecretKey _fingerprintKey = null!;
    private AesGcm _reusedDotNet = null!;
    private GcmBlockCipher _reusedSeal = null!;
    private GcmBlockCipher _reusedOpen = null!;
    private byte[] _plaintext = [];
    private string _value = "";
    private byte[] _sealed = [];

    [Params(32, 256)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dek = SecretKey.Generate();
        _dekBytes = _dek.Span.ToArray();
        _fingerprintKey = SecretKey.Generate();
        _reusedDotNet = new AesGcm(_dekBytes, Tag);
        _reusedSeal = new GcmBlockCipher(AesUtilities.CreateEngine());
        _reusedSeal.Init(true, new AeadParameters(new KeyParameter(_dekBytes), Tag * 8, RandomNumberGenerator.GetBytes(Nonce)));
        _reusedOpen = new GcmBlockCipher(AesUtilities.CreateEngine());
        _reusedOpen.Init(false, new AeadParameters(new KeyParameter(_dekBytes), Tag * 8, RandomNumberGenerator.GetBytes(Nonce)));
        _plaintext = RandomNumberGenerator.GetBytes(Size);
        _value = new string('7', Size);
        _sealed = ValueEnvelope.Seal(_dek, Version, _plaintext, _aad);

        // Each implementation must open the other's frames, or the comparison means nothing.
        if (!DotNetOpen(_dekBytes, _sealed, _aad).AsSpan().SequenceEqual(_plaintext)
            || !ValueEnvelope.Open(_dek, DotNetSeal(_dekBytes, Version, _plaintext, _aad), _aad).AsSpan().SequenceEqual(_plaintext))
        {
            throw new InvalidOperationException(".NET AesGcm and ValueEnvelope disagree on the frame.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _reusedDotNet?.Dispose();
        _dek?.Dispose();
        _fingerprintKey?.Dispose();
        CryptographicOperations.ZeroMemory(_dekBytes);
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "seal, BouncyCastle GcmBlockCipher (ValueEnvelope)")]
    public byte[] SealBouncyCastle() => ValueEnvelope.Seal(_dek, Version, _plaintext, _aad);

    [Benchmark(Description = "seal, .NET AesGcm")]
    public byte[] SealDotNet() => DotNetSeal(_dekBytes, Version, _plaintext, _aad);

    [Benchmark(Description = "open, BouncyCastle GcmBlockCipher (ValueEnvelope)")]
    public byte[] OpenBouncyCastle() => ValueEnvelope.Open(_dek, _sealed, _aad);

    [Benchmark(Description = "open, .NET AesGcm")]
    public byte[] OpenDotNet() => DotNetOpen(_dekBytes, _sealed, _aad);

    [Benchmark(Description = "seal, BouncyCastle, reused key")]
    public byte[] SealBouncyCastleReusedKey()
    {
        var frame = NewFrame(Version, _plaintext.Length);
        // A null key keeps the cipher's key schedule (BouncyCastle's documented reuse); only the nonce is new.
        _reusedSeal.Init(true, new AeadParameters(null, Tag * 8, frame.AsSpan(Header, Nonce).ToArray()));
        _reusedSeal.ProcessAadBytes(frame.AsSpan(0, Header));
        _reusedSeal.ProcessAadBytes(_aad);
        var written = _reusedSeal.ProcessBytes(_plaintext, frame.AsSpan(Header + Nonce));
        _reusedSeal.DoFinal(frame.AsSpan(Header + Nonce + written));
        return frame;
    }

    [Benchmark(Description = "seal, .NET AesGcm, reused key")]
    public byte[] SealDotNetReusedKey()
    {
        var frame = NewFrame(Version, _plaintext.Length);
        Encrypt(_reusedDotNet, frame, _plaintext, _aad);
        return frame;
    }

    [Benchmark(Description = "open, BouncyCastle, reused key")]
    public byte[] OpenBouncyCastleReusedKey()
    {
        _reusedOpen.Init(false, new AeadParameters(null, Tag * 8, _sealed.AsSpan(Header, Nonce).ToArray()));
        _reusedOpen.ProcessAadBytes(_sealed.AsSpan(0, Header));
        _reusedOpen.ProcessAadBytes(_aad);
        var plaintext = new byte[_sealed.Length - Header - Nonce - Tag];
        var written = _reusedOpen.ProcessBytes(_sealed.AsSpan(Header + Nonce), plaintext);
        _reusedOpen.DoFinal(plaintext.AsSpan(written));
        return plaintext;
    }

    [Benchmark(Description = "open, .NET AesGcm, reused key")]
    public byte[] OpenDotNetReusedKey() => Decrypt(_reusedDotNet, _sealed, _aad);

    [Benchmark(Description = "nonce only, RandomNumberGenerator.Fill(12 bytes)")]
    public byte NonceOnly()
    {
        Span<byte> nonce = stackalloc byte[Nonce];
        RandomNumberGenerator.Fill(nonce);
        return nonce[0];
    }

    [Benchmark(Description = "fingerprint, HMAC-SHA256")]
    public byte[] FingerprintValue() => Fingerprint.Compute(_fingerprintKey, "PAN", _value);

    /// <summary>The ValueEnvelope frame, built with .NET's AesGcm.</summary>
    private static byte[] DotNetSeal(byte[] key, int version, byte[] plaintext, byte[] aad)
    {
        var frame = NewFrame(version, plaintext.Length);
        using var gcm = new AesGcm(key, Tag);
        Encrypt(gcm, frame, plaintext, aad);
        return frame;
    }

    private static byte[] DotNetOpen(byte[] key, byte[] frame, byte[] aad)
    {
        using var gcm = new AesGcm(key, Tag);
        return Decrypt(gcm, frame, aad);
    }

    private static void Encrypt(AesGcm gcm, byte[] frame, byte[] plaintext, byte[] aad)
    {
        Span<byte> associated = stackalloc byte[Header + aad.Length];
        frame.AsSpan(0, Header).CopyTo(associated);
        aad.CopyTo(associated[Header..]);
        gcm.Encrypt(frame.AsSpan(Header, Nonce), plaintext, frame.AsSpan(Header + Nonce, plaintext.Length), frame.AsSpan(Header + Nonce + plaintext.Length), associated);
    }

    private static byte[] Decrypt(AesGcm gcm, byte[] frame, byte[] aad)
    {
        Span<byte> associated = stackalloc byte[Header + aad.Length];
        frame.AsSpan(0, Header).CopyTo(associated);
        aad.CopyTo(associated[Header..]);
        var plaintext = new byte[frame.Length - Header - Nonce - Tag];
        gcm.Decrypt(frame.AsSpan(Header, Nonce), frame.AsSpan(Header + Nonce, plaintext.Length), frame.AsSpan(frame.Length - Tag), plaintext, associated);
        return plaintext;
    }

    private static byte[] NewFrame(int version, int plaintextLength)
    {
        var frame = new byte[Header + Nonce + plaintextLength + Tag];
        frame[0] = ValueEnvelope.FormatV1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)version);
        RandomNumberGenerator.Fill(frame.AsSpan(Header, Nonce));
        return frame;
    }

    /// <summary>Runs the benchmark and prints BenchmarkDotNet's table, then ops/s and MB/s per row.</summary>
    public static void Run()
    {
        var summary = BenchmarkRunner.Run<CryptoThroughput>(ScanThroughput.CreateConfig());
        Console.WriteLine();
        Console.WriteLine("| operation | value bytes | mean ns | ops/s | MB/s of values | allocated B/op |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
        {
            Console.WriteLine(Row(report));
        }
    }

    private static string Row(BenchmarkReport report)
    {
        var size = (int)report.BenchmarkCase.Parameters["Size"];
        var nanoseconds = report.ResultStatistics!.Mean;
        var opsPerSecond = 1e9 / nanoseconds;
        var allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'')} | {size} | {nanoseconds:N0} | {opsPerSecond:N0} | {opsPerSecond * size / 1e6:N1} | {allocated:N0} |");
    }
}
