using PrivateInference.Rehydrator.Rehydration;
using PrivateInference.Rehydrator.Tests.Support;

namespace PrivateInference.Rehydrator.Tests.Rehydration;

/// <summary>Values revealed or masked per caller per minute.</summary>
public sealed class RevealRateLimiterTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero));

    [Test]
    public void A_caller_gets_a_minutes_allowance_and_no_more()
    {
        var limiter = new RevealRateLimiter(60, _clock);

        Assert.That(limiter.TryAcquire("acme", "alice", 40), Is.True);
        Assert.That(limiter.TryAcquire("acme", "alice", 20), Is.True);
        Assert.That(limiter.TryAcquire("acme", "alice", 1), Is.False);
    }

    [Test]
    public void A_refused_request_takes_nothing()
    {
        var limiter = new RevealRateLimiter(60, _clock);
        limiter.TryAcquire("acme", "alice", 50);

        Assert.That(limiter.TryAcquire("acme", "alice", 11), Is.False);
        Assert.That(limiter.TryAcquire("acme", "alice", 10), Is.True);
    }

    [Test]
    public void The_allowance_refills_continuously()
    {
        var limiter = new RevealRateLimiter(60, _clock);
        limiter.TryAcquire("acme", "alice", 60);

        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.That(limiter.TryAcquire("acme", "alice", 31), Is.False);
        Assert.That(limiter.TryAcquire("acme", "alice", 30), Is.True);

        _clock.Advance(TimeSpan.FromHours(1));

        Assert.That(limiter.TryAcquire("acme", "alice", 61), Is.False);
        Assert.That(limiter.TryAcquire("acme", "alice", 60), Is.True);
    }

    [Test]
    public void Callers_are_separate_per_tenant_and_subject()
    {
        var limiter = new RevealRateLimiter(10, _clock);
        limiter.TryAcquire("acme", "alice", 10);

        Assert.That(limiter.TryAcquire("acme", "bob", 10), Is.True);
        Assert.That(limiter.TryAcquire("globex", "alice", 10), Is.True);
        Assert.That(limiter.TryAcquire("acme", "alice", 1), Is.False);
    }

    [Test]
    public void A_request_bigger_than_a_minutes_allowance_never_passes()
    {
        var limiter = new RevealRateLimiter(10, _clock);

        Assert.That(limiter.TryAcquire("acme", "alice", 11), Is.False);
        Assert.That(limiter.TryAcquire("acme", "alice", 0), Is.True);
    }

    [Test]
    public void A_refund_gives_back_what_was_not_used_up_to_the_allowance()
    {
        var limiter = new RevealRateLimiter(10, _clock);
        limiter.TryAcquire("acme", "alice", 10);
        limiter.Refund("acme", "alice", 4);

        Assert.That(limiter.TryAcquire("acme", "alice", 5), Is.False);
        Assert.That(limiter.TryAcquire("acme", "alice", 4), Is.True);

        limiter.Refund("acme", "alice", 1000);
        Assert.That(limiter.TryAcquire("acme", "alice", 11), Is.False);
    }

    [Test]
    public void Callers_whose_allowance_refilled_are_forgotten()
    {
        var limiter = new RevealRateLimiter(10, _clock);
        for (var i = 0; i < 100; i++)
        {
            limiter.TryAcquire("acme", "agent-" + i, 1);
        }

        limiter.TryAcquire("acme", "busy", 10);
        _clock.Advance(TimeSpan.FromSeconds(30));
        limiter.Sweep();

        Assert.That(limiter.TrackedCallers, Is.EqualTo(1));
        Assert.That(limiter.TryAcquire("acme", "busy", 6), Is.False);
        Assert.That(limiter.TryAcquire("acme", "agent-1", 10), Is.True);
    }

    [Test]
    public void Concurrent_requests_never_take_more_than_the_allowance()
    {
        var limiter = new RevealRateLimiter(1000, _clock);
        var granted = 0;

        Parallel.For(0, 5000, _ =>
        {
            if (limiter.TryAcquire("acme", "alice", 1))
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.That(granted, Is.EqualTo(1000));
    }
}
