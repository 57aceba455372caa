using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

[TestFixture]
public sealed class KekIdTests
{
    [TestCase("tenant-a", 3, "tenant-a/v3")]
    [TestCase("a.v1", 2, "a.v1/v2")]
    [TestCase("x_Y-9.z", 2147483647, "x_Y-9.z/v2147483647")]
    public void A_label_reads_back_as_the_same_id(string name, int version, string label)
    {
        var id = new KekId(name, version);

        Assert.That(id.Label, Is.EqualTo(label));
        Assert.That(KekId.TryParseLabel(label, out KekId parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(id));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("tenant-a")]
    [TestCase("tenant-a/v0")]
    [TestCase("tenant-a/v01")]
    [TestCase("tenant-a/v+1")]
    [TestCase("tenant-a/vx")]
    [TestCase("/v1")]
    [TestCase("tenant a/v1")]
    [TestCase("tenant-a/import/20310314T092653Z")]
    [TestCase("tenant-a/v99999999999")]
    public void Anything_else_on_the_token_is_not_a_kek_label(string? label)
    {
        Assert.That(KekId.TryParseLabel(label, out KekId parsed), Is.False);
        Assert.That(parsed, Is.EqualTo(default(KekId)));
    }

    [TestCase("")]
    [TestCase("tenant/a")]
    [TestCase("tenant a")]
    [TestCase("tenant-a\n")]
    [TestCase("../keys")]
    [TestCase("ténant")]
    public void A_name_outside_the_alphabet_is_refused(string name)
    {
        Assert.That(() => new KekId(name, 1), Throws.ArgumentException);
        Assert.That(() => KekId.ThrowIfInvalidName(name), Throws.ArgumentException);
    }

    [Test]
    public void A_name_of_65_characters_is_refused() =>
        Assert.That(() => new KekId(new string('a', 65), 1), Throws.ArgumentException);

    [Test]
    public void Version_zero_is_refused() =>
        Assert.That(() => new KekId("tenant-a", 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
}
