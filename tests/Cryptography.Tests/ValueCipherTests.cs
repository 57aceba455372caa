using System.Text;

namespace PrivateInference.Cryptography.Tests;

/// <summary>The keyed cipher writes and reads exactly the frames of the static envelope functions.</summary>
public sealed class ValueCipherTests
{
    private static readonly byte[] Aad = ValueAad.For("tenant-a", "7QH2K9MX3A", "PAN", 3);

    [Test]
    public void A_frame_sealed_by_the_cipher_opens_with_the_static_function_and_back()
    {
        using var key = SecretKey.Generate();
        using var cipher = new ValueCipher(key, 3);
        var plaintext = Encoding.UTF8.GetBytes("4111111111111111");

        var byCipher = cipher.Seal(plaintext, Aad);
        var byStatic = ValueEnvelope.Seal(key, 3, plaintext, Aad);

        Assert.Multiple(() =>
        {
            Assert.That(ValueEnvelope.Open(key, byCipher, Aad), Is.EqualTo(plaintext));
            Assert.That(cipher.Open(byStatic, Aad), Is.EqualTo(plaintext));
            Assert.That(ValueEnvelope.ReadKeyVersion(byCipher), Is.EqualTo(3));
        });
    }

    [Test]
    public void A_frame_of_another_key_version_does_not_open()
    {
        using var key = SecretKey.Generate();
        using var cipher = new ValueCipher(key, 3);
        var other = ValueEnvelope.Seal(key, 4, [1, 2, 3], Aad);

        Assert.That(() => cipher.Open(other, Aad), Throws.TypeOf<EnvelopeException>());
    }

    [Test]
    public void A_tampered_frame_or_other_aad_does_not_open()
    {
        using var key = SecretKey.Generate();
        using var cipher = new ValueCipher(key, 1);
        var frame = cipher.Seal([9, 8, 7], Aad);
        var tampered = (byte[])frame.Clone();
        tampered[^1] ^= 1;

        Assert.Multiple(() =>
        {
            Assert.That(() => cipher.Open(tampered, Aad), Throws.TypeOf<EnvelopeException>());
            Assert.That(() => cipher.Open(frame, ValueAad.For("tenant-b", "7QH2K9MX3A", "PAN", 1)), Throws.TypeOf<EnvelopeException>());
        });
    }

    [Test]
    public void Seals_never_repeat_a_nonce()
    {
        using var key = SecretKey.Generate();
        using var cipher = new ValueCipher(key, 1);
        var nonces = new HashSet<string>();
        for (var i = 0; i < 2_000; i++)
        {
            nonces.Add(Convert.ToHexString(cipher.Seal([1], Aad).AsSpan(5, 12)));
        }

        Assert.That(nonces, Has.Count.EqualTo(2_000));
    }

    [Test]
    public async Task Concurrent_callers_share_one_cipher_safely()
    {
        using var key = SecretKey.Generate();
        using var cipher = new ValueCipher(key, 2);
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var value = Encoding.UTF8.GetBytes($"value-{t}-{i}");
                if (!cipher.Open(cipher.Seal(value, Aad), Aad).AsSpan().SequenceEqual(value))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));

        Assert.That(failures, Is.Zero);
    }

    [Test]
    public void A_disposed_cipher_refuses_to_work()
    {
        using var key = SecretKey.Generate();
        var cipher = new ValueCipher(key, 1);
        cipher.Seal([1], Aad);
        cipher.Dispose();

        Assert.That(() => cipher.Seal([1], Aad), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void The_cipher_does_not_print_its_key()
    {
        using var key = SecretKey.Copy(Enumerable.Repeat((byte)0xAB, 32).ToArray());
        using var cipher = new ValueCipher(key, 5);

        Assert.That(cipher.ToString(), Does.Not.Contain("AB").IgnoreCase.And.Contain("v5"));
    }
}
