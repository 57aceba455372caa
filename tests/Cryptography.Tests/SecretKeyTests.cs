using System.Runtime.InteropServices;

namespace PrivateInference.Cryptography.Tests;

public sealed class SecretKeyTests
{
    private static readonly byte[] Material = Hex.Bytes("ab cd ef 01 23 45 67 89 fe dc ba 98 76 54 32 10 a5 5a c3 3c 0f f0 11 22 33 44 55 66 77 88 99 aa");

    [Test]
    public void Copy_holds_the_same_bytes_and_length()
    {
        using var key = SecretKey.Copy(Material);

        Assert.That(key.Span.ToArray(), Is.EqualTo(Material));
        Assert.That(key.Length, Is.EqualTo(32));
    }

    [Test]
    public void Copy_is_independent_of_the_source_buffer()
    {
        var source = (byte[])Material.Clone();
        using var key = SecretKey.Copy(source);

        Array.Clear(source);

        Assert.That(key.Span.ToArray(), Is.EqualTo(Material));
    }

    [Test]
    public void Dispose_zeroes_the_key_bytes_in_place()
    {
        var key = SecretKey.Copy(Material);
        // A reference into the pinned buffer itself, taken before disposal: what an attacker reading memory would see.
        ref readonly var first = ref MemoryMarshal.GetReference(key.Span);

        key.Dispose();

        var after = MemoryMarshal.CreateReadOnlySpan(in first, Material.Length).ToArray();
        Assert.That(after, Is.All.EqualTo((byte)0));
    }

    [Test]
    public void Span_after_dispose_throws_ObjectDisposedException()
    {
        var key = SecretKey.Generate();
        key.Dispose();

        Assert.That(() => key.Span.Length, Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void Dispose_twice_is_harmless_and_length_stays_readable()
    {
        var key = SecretKey.Generate(16);
        key.Dispose();

        Assert.That(key.Dispose, Throws.Nothing);
        Assert.That(key.Length, Is.EqualTo(16));
    }

    [Test]
    public void ToString_says_redacted_and_the_length_only()
    {
        using var key = SecretKey.Copy(Material);

        Assert.That(key.ToString(), Is.EqualTo("SecretKey(redacted, 32 bytes)"));
        Assert.That($"{key}", Is.EqualTo("SecretKey(redacted, 32 bytes)"));
    }

    [Test]
    public void ToString_contains_no_rendering_of_the_key_bytes()
    {
        using var key = SecretKey.Copy(Material);
        var text = key.ToString();

        Assert.That(text, Does.Not.Contain(Convert.ToHexString(Material[..4])).IgnoreCase);
        Assert.That(text, Does.Not.Contain(Convert.ToBase64String(Material)[..6]));
        Assert.That(text, Does.Not.Contain(Material[0].ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Generate_returns_the_requested_length_of_fresh_random_bytes()
    {
        using var a = SecretKey.Generate();
        using var b = SecretKey.Generate();
        using var c = SecretKey.Generate(64);

        Assert.That(a.Length, Is.EqualTo(32));
        Assert.That(c.Length, Is.EqualTo(64));
        Assert.That(a.Span.ToArray(), Is.Not.EqualTo(b.Span.ToArray()));
        Assert.That(a.Span.ToArray(), Is.Not.All.EqualTo((byte)0));
    }

    [Test]
    public void Empty_or_non_positive_keys_are_refused()
    {
        Assert.That(() => SecretKey.Copy([]), Throws.ArgumentException);
        Assert.That(() => SecretKey.Generate(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => SecretKey.Generate(-1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
