using PrivateInference.Rehydrator.Authorization;

namespace PrivateInference.Rehydrator.Tests.Authorization;

/// <summary>A break-glass grant is valid only when approved by someone else, unexpired, within the token's life, well formed.</summary>
public sealed class BreakGlassGrantTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly AuthenticatedAgent Supervisor = new("sup-bob", "acme", ["payments-supervisor"], Now + TimeSpan.FromMinutes(10));

    [Test]
    public void A_grant_approved_by_another_person_and_unexpired_is_valid()
    {
        var grant = new BreakGlassGrant("bg-1", "sup-alice", Now + TimeSpan.FromMinutes(5), "chargeback_dispute");

        Assert.That(() => grant.Check(Supervisor, Now), Throws.Nothing);
    }

    [Test]
    public void A_grant_at_or_after_its_expiry_is_refused()
    {
        var grant = new BreakGlassGrant("bg-1", "sup-alice", Now, "chargeback_dispute");

        AssertDenied(grant, "break_glass_expired");
        AssertDenied(grant with { ExpiresAt = Now - TimeSpan.FromSeconds(1) }, "break_glass_expired");
    }

    [Test]
    public void A_self_approved_grant_is_refused()
    {
        AssertDenied(new BreakGlassGrant("bg-1", "sup-bob", Now + TimeSpan.FromMinutes(5), "chargeback_dispute"), "break_glass_self_approved");
    }

    [Test]
    public void A_grant_that_outlives_the_token_is_refused()
    {
        AssertDenied(new BreakGlassGrant("bg-1", "sup-alice", Now + TimeSpan.FromMinutes(11), "chargeback_dispute"), "break_glass_invalid");
    }

    [TestCase(null, "sup-alice", "chargeback_dispute")]
    [TestCase("BG 1", "sup-alice", "chargeback_dispute")]
    [TestCase("bg-1", null, "chargeback_dispute")]
    [TestCase("bg-1", "", "chargeback_dispute")]
    [TestCase("bg-1", "sup\u0000alice", "chargeback_dispute")]
    [TestCase("bg-1", "sup-alice", null)]
    [TestCase("bg-1", "sup-alice", "Chargeback")]
    [TestCase("bg-1", "sup-alice", "4111111111111111")]
    public void A_malformed_grant_is_refused(string? id, string? approver, string? reason)
    {
        AssertDenied(new BreakGlassGrant(id, approver, Now + TimeSpan.FromMinutes(5), reason), "break_glass_invalid");
    }

    [Test]
    public void A_grant_without_expiry_is_refused()
    {
        AssertDenied(new BreakGlassGrant("bg-1", "sup-alice", null, "chargeback_dispute"), "break_glass_invalid");
    }

    [Test]
    public void A_claim_that_is_not_an_object_reads_as_an_invalid_grant()
    {
        using var document = System.Text.Json.JsonDocument.Parse("\"bg-1\"");

        AssertDenied(BreakGlassGrant.Read(document.RootElement), "break_glass_invalid");
    }

    private static void AssertDenied(BreakGlassGrant grant, string reason)
    {
        Assert.That(() => grant.Check(Supervisor, Now), Throws.TypeOf<RehydrationException>()
            .With.Property(nameof(RehydrationException.Kind)).EqualTo(RehydrationErrorKind.PermissionDenied)
            .And.Property(nameof(RehydrationException.Reason)).EqualTo(reason));
    }
}
