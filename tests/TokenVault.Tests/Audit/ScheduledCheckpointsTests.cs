using NUnit.Framework;
using PrivateInference.TokenVault.Audit;

namespace PrivateInference.TokenVault.Tests.Audit;

public sealed class ScheduledCheckpointsTests
{
    private static IEnumerable<TestCaseData> Intervals()
    {
        yield return new TestCaseData("15m", TimeSpan.FromMinutes(15));
        yield return new TestCaseData("30s", TimeSpan.FromSeconds(30));
        yield return new TestCaseData(" 1h ", TimeSpan.FromHours(1));
        yield return new TestCaseData("1d", TimeSpan.FromDays(1));
        yield return new TestCaseData("00:15:00", TimeSpan.FromMinutes(15));
    }

    [TestCaseSource(nameof(Intervals))]
    public void The_checkpoint_interval_reads_a_count_with_a_unit_or_a_time_span(string text, TimeSpan expected) =>
        Assert.That(ScheduledCheckpoints.ParseInterval(text), Is.EqualTo(expected));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void An_unset_checkpoint_interval_is_off(string? text) =>
        Assert.That(ScheduledCheckpoints.ParseInterval(text), Is.Null);

    [TestCase("0m")]
    [TestCase("900")]
    [TestCase("-5m")]
    [TestCase("15x")]
    [TestCase("m")]
    [TestCase("fifteen minutes")]
    [TestCase("-00:15:00")]
    public void A_checkpoint_interval_that_is_not_a_positive_interval_stops_the_host(string text) =>
        Assert.That(() => ScheduledCheckpoints.ParseInterval(text), Throws.TypeOf<FormatException>());
}
