using NUnit.Framework;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Storage;

public sealed class UnixMicrosecondsTests
{
    [Test]
    public void Sub_microsecond_ticks_are_dropped_and_the_rest_round_trips()
    {
        var value = new DateTimeOffset(2030, 6, 7, 8, 9, 10, TimeSpan.FromHours(-5)).AddTicks(1_234_567);

        DateTimeOffset truncated = UnixMicroseconds.Truncate(value);

        Assert.That(truncated, Is.EqualTo(value.AddTicks(-7)));
        Assert.That(truncated.Offset, Is.EqualTo(TimeSpan.Zero));
        Assert.That(UnixMicroseconds.ToDateTimeOffset(UnixMicroseconds.From(truncated)), Is.EqualTo(truncated));
    }

    [Test]
    public void Times_before_the_epoch_round_down()
    {
        Assert.That(UnixMicroseconds.From(DateTimeOffset.UnixEpoch.AddTicks(-1)), Is.EqualTo(-1));
        Assert.That(UnixMicroseconds.From(DateTimeOffset.UnixEpoch.AddTicks(-10)), Is.EqualTo(-1));
        Assert.That(UnixMicroseconds.From(DateTimeOffset.UnixEpoch.AddTicks(-11)), Is.EqualTo(-2));
        Assert.That(UnixMicroseconds.From(DateTimeOffset.UnixEpoch.AddTicks(9)), Is.Zero);
    }

    [Test]
    public void Null_stays_null()
    {
        Assert.That(UnixMicroseconds.Truncate((DateTimeOffset?)null), Is.Null);
        Assert.That(UnixMicroseconds.From((DateTimeOffset?)null), Is.Null);
        Assert.That(UnixMicroseconds.ToDateTimeOffset((long?)null), Is.Null);
    }
}
