using NUnit.Framework;
using PrivateInference.TokenVault.Keys;

namespace PrivateInference.TokenVault.Tests.Keys;

[TestFixture]
public sealed class KeyUnavailableExceptionTests
{
    private static readonly KeyUnavailableReason[] Reasons = Enum.GetValues<KeyUnavailableReason>();

    [TestCaseSource(nameof(Reasons))]
    public void The_message_is_fixed_per_reason_and_never_names_the_key(KeyUnavailableReason reason)
    {
        var kek = new KekId("tenant-secretive", 7);

        var withKek = new KeyUnavailableException(reason, kek, new InvalidOperationException("inner detail"));
        var without = new KeyUnavailableException(reason);

        Assert.That(withKek.Message, Is.EqualTo(without.Message));
        Assert.That(withKek.Message, Does.Not.Contain("tenant-secretive").And.Not.Contain("inner detail"));
        Assert.That(withKek.KekId, Is.EqualTo(kek));
    }

    [Test]
    public void Every_reason_has_its_own_message() =>
        Assert.That(Reasons.Select(r => new KeyUnavailableException(r).Message), Is.Unique);
}
