using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Audit;

/// <summary>Key changes' intents paired with their outcomes: by the verifier, over a chained list of records.</summary>
public sealed class AuditIntentsTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A chain of (actor, action, outcome, detail) records of tenant-a, seq from 1.</summary>
    private static List<AuditRecord> Chain(params (string Actor, string Action, string Outcome, string Detail)[] records)
    {
        var heads = new Dictionary<string, AuditHead>(StringComparer.Ordinal) { ["tenant-a"] = AuditHead.Empty };
        return AuditChain.Extend(records.Select((r, i) => new AuditEntry("tenant-a", Start.AddSeconds(i), r.Actor, r.Action, r.Outcome, r.Detail)).ToList(), heads);
    }

    [Test]
    public void Intents_with_their_outcomes_leave_nothing_unknown_even_when_two_changes_interleave()
    {
        var chain = Chain(
            ("admin:alice", "kek.rotate", "started", "{}"),
            ("admin:alice", "kek.rotate", "started", "{}"),
            ("svc:redactor", "tokenize", "ok", """{"items":1}"""),
            ("admin:alice", "kek.rotate", "ok", """{"intent_seq":2,"kek_version":2}"""),
            ("admin:alice", "kek.rotate", "failed:concurrent_rotation", """{"intent_seq":1}"""));

        var result = AuditVerifier.Verify(chain);

        Assert.That(result, Is.EqualTo(new AuditVerification(5, null, null)));
        Assert.That(result.OutcomeUnknown, Is.Empty);
    }

    [Test]
    public void An_intent_no_record_answers_is_reported_as_outcome_unknown_without_breaking_the_chain()
    {
        var chain = Chain(
            ("admin:alice", "tenant.create", "started", "{}"),
            ("admin:alice", "tenant.create", "ok", """{"intent_seq":1,"kek_version":1}"""),
            ("admin:alice", "kek.rotate", "started", "{}"),
            ("admin:bob", "kek.disable", "started", "{}"),
            ("admin:bob", "kek.disable", "ok", """{"intent_seq":4,"kek_version":1}"""),
            ("admin:alice", "dek.rotate", "started", "{}"));

        var result = AuditVerifier.Verify(chain);

        Assert.That(result.IsIntact, Is.True);
        Assert.That(result.OutcomeUnknown, Is.EqualTo(new long[] { 3, 6 }));
        Assert.That(result, Is.Not.EqualTo(new AuditVerification(6, null, null)), "the unknown outcomes are part of the result");
        Assert.That(result, Is.EqualTo(new AuditVerification(6, null, null) { OutcomeUnknown = [3, 6] }));
    }

    [Test]
    public void An_outcome_is_paired_by_the_seq_it_names_not_by_position_and_a_malformed_detail_pairs_with_nothing()
    {
        var intents = new AuditIntents();
        foreach (var record in Chain(
            ("admin:alice", "kek.rotate", "started", "{}"),
            ("admin:alice", "kek.rotate", "ok", """{"intent_seq":7}"""),
            ("admin:alice", "kek.rotate", "ok", """{"intent_seq":"1"}"""),
            ("admin:alice", "kek.rotate", "ok", """{"note":"\"intent_seq\":1"}"""),
            ("admin:alice", "kek.rotate", "ok", """{"intent_seq":1""")))
        {
            intents.Add(record);
        }

        Assert.That(intents.OutcomeUnknown, Is.EqualTo(new long[] { 1 }));
    }

    [Test]
    public void On_a_broken_chain_only_the_records_before_the_break_are_paired()
    {
        var chain = Chain(
            ("admin:alice", "kek.rotate", "started", "{}"),
            ("admin:alice", "kek.rotate", "ok", """{"intent_seq":1}"""));
        var head = new AuditCheckpoint(2, chain[1].Hash);
        chain.RemoveAt(1);

        var result = AuditVerifier.Verify(chain, head: head);

        Assert.That((result.BrokenAtSeq, result.Break), Is.EqualTo(((long?)2, (AuditBreak?)AuditBreak.SeqGap)));
        Assert.That(result.OutcomeUnknown, Is.EqualTo(new long[] { 1 }), "a deleted outcome leaves its intent open");
    }
}
