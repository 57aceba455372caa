using System.Numerics;
using System.Security.Cryptography;

namespace PrivateInference.Cryptography.Tests.Support;

/// <summary>
/// FF1 (NIST SP 800-38G, Algorithms 7 and 8) written from the specification with .NET's AES and
/// <see cref="BigInteger"/>, to check <c>Ff1</c> (BouncyCastle's Feistel rounds) against something other than
/// the code under test, at lengths and tweaks NIST's samples do not cover.
/// </summary>
internal static class ReferenceFf1
{
    public static byte[] Encrypt(byte[] key, byte[] tweak, int radix, byte[] numerals) => Run(key, tweak, radix, numerals, encrypt: true);

    public static byte[] Decrypt(byte[] key, byte[] tweak, int radix, byte[] numerals) => Run(key, tweak, radix, numerals, encrypt: false);

    private static byte[] Run(byte[] key, byte[] tweak, int radix, byte[] x, bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        int n = x.Length, u = n / 2, v = n - u, t = tweak.Length;
        var b = (int)((BigInteger.Pow(radix, v) - 1).GetBitLength() + 7) / 8;
        var d = (4 * ((b + 3) / 4)) + 4;
        byte[] p = [1, 2, 1, 0, (byte)(radix >> 8), (byte)radix, 10, (byte)(u % 256), .. BigEndian(n, 4), .. BigEndian(t, 4)];
        var a = x[..u];
        var bb = x[u..];
        for (var k = 0; k < 10; k++)
        {
            var i = encrypt ? k : 9 - k;
            var m = i % 2 == 0 ? u : v;
            var q = new byte[t + Mod(-t - b - 1, 16) + 1 + b];
            tweak.CopyTo(q, 0);
            q[t + Mod(-t - b - 1, 16)] = (byte)i;
            BigEndian(Num(encrypt ? bb : a, radix), b).CopyTo(q, q.Length - b);
            var r = CbcMac(aes, [.. p, .. q]);
            var s = new List<byte>(r);
            for (var j = 1; s.Count < d; j++)
            {
                var block = (byte[])r.Clone();
                var counter = BigEndian(j, 16);
                for (var z = 0; z < 16; z++)
                {
                    block[z] ^= counter[z];
                }

                s.AddRange(aes.EncryptEcb(block, PaddingMode.None));
            }

            var y = new BigInteger(s.Take(d).ToArray(), isUnsigned: true, isBigEndian: true);
            var modulus = BigInteger.Pow(radix, m);
            if (encrypt)
            {
                var c = Mod(Num(a, radix) + y, modulus);
                (a, bb) = (bb, Str(c, radix, m));
            }
            else
            {
                var c = Mod(Num(bb, radix) - y, modulus);
                (bb, a) = (a, Str(c, radix, m));
            }
        }

        return [.. a, .. bb];
    }

    private static byte[] CbcMac(Aes aes, byte[] message)
    {
        var y = new byte[16];
        for (var i = 0; i < message.Length; i += 16)
        {
            for (var z = 0; z < 16; z++)
            {
                y[z] ^= message[i + z];
            }

            y = aes.EncryptEcb(y, PaddingMode.None);
        }

        return y;
    }

    private static BigInteger Num(byte[] x, int radix) => x.Aggregate(BigInteger.Zero, (acc, digit) => (acc * radix) + digit);

    private static byte[] Str(BigInteger value, int radix, int m)
    {
        var output = new byte[m];
        for (var i = m - 1; i >= 0; i--)
        {
            output[i] = (byte)(value % radix);
            value /= radix;
        }

        return output;
    }

    private static byte[] BigEndian(BigInteger value, int length)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var output = new byte[length];
        bytes.CopyTo(output, length - bytes.Length);
        return output;
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;

    private static BigInteger Mod(BigInteger a, BigInteger m) => ((a % m) + m) % m;
}
