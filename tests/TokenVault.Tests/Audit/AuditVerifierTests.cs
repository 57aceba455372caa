using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Audit;

/// <summary>Tampering cases against a good chain of six records; the verifier names the first bad seq and what broke.</summary>
public sealed class AuditVerifierTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<AuditRecord> Chain(string tenantId = "tenant-a", int count = 6)
    {
        var heads = new Dictionary<string, AuditHead>(StringComparer.Ordinal) { [tenantId] = AuditHead.Empty };
        var entries = Enumerable.Range(1, count)
            .Select(i => new AuditEntry(tenantId, Start.AddSeconds(i), "svc:vault", "tokenize", "ok", $$"""{"count":{{i}}}"""))
            .ToList();
        return AuditChain.Extend(entries, heads);
    }

    [Test]
    public void An_untouched_chain_is_intact_with_every_record_counted()
    {
        AuditVerification result = AuditVerifier.Verify(Chain());

        Assert.That(result, Is.EqualTo(new AuditVerification(6, null, null)));
        Assert.That(result.IsIntact, Is.True);
    }

    [Test]
    public void An_empty_chain_is_intact()
    {
        Assert.That(AuditVerifier.Verify([]), Is.EqualTo(new AuditVerification(0, null, null)));
    }

    [Test]
    public void An_edited_detail_is_a_hash_mismatch_at_that_record()
    {
        List<AuditRecord> chain = Chain();
        chain[2] = chain[2] with { DetailJson = """{"count":999}""" };

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(2, 3, AuditBreak.HashMismatch)));
    }

    [Test]
    public void An_edited_outcome_or_time_is_a_hash_mismatch()
    {
        List<AuditRecord> outcome = Chain();
        outcome[0] = outcome[0] with { Outcome = "denied" };
        List<AuditRecord> time = Chain();
        time[4] = time[4] with { At = time[4].At.AddSeconds(-1) };

        Assert.That(AuditVerifier.Verify(outcome).BrokenAtSeq, Is.EqualTo(1));
        Assert.That(AuditVerifier.Verify(time), Is.EqualTo(new AuditVerification(4, 5, AuditBreak.HashMismatch)));
    }

    [Test]
    public void A_deleted_record_is_a_gap_at_the_missing_seq()
    {
        List<AuditRecord> chain = Chain();
        chain.RemoveAt(3);

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(3, 4, AuditBreak.SeqGap)));
    }

    [Test]
    public void A_deleted_first_record_is_a_gap_at_seq_1()
    {
        List<AuditRecord> chain = Chain();
        chain.RemoveAt(0);

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(0, 1, AuditBreak.SeqGap)));
    }

    [Test]
    public void Deleted_then_renumbered_records_break_the_hash_of_the_first_renumbered_one()
    {
        List<AuditRecord> chain = Chain();
        chain.RemoveAt(3);
        for (var i = 3; i < chain.Count; i++)
        {
            chain[i] = chain[i] with { Seq = i + 1 };
        }

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(3, 4, AuditBreak.HashMismatch)));
    }

    [Test]
    public void Records_swapped_in_the_list_are_out_of_order()
    {
        List<AuditRecord> chain = Chain();
        (chain[2], chain[3]) = (chain[3], chain[2]);

        // Seq 4 where 3 was due: 3 is missing there; the verifier stops at the first break.
        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(2, 3, AuditBreak.SeqGap)));
    }

    [Test]
    public void Contents_swapped_between_two_seqs_break_the_hash_of_the_first()
    {
        List<AuditRecord> chain = Chain();
        AuditRecord third = chain[2];
        AuditRecord fourth = chain[3];
        chain[2] = fourth with { Seq = 3 };
        chain[3] = third with { Seq = 4 };

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(2, 3, AuditBreak.HashMismatch)));
    }

    [Test]
    public void Contents_swapped_and_rehashed_do_not_link_to_the_record_before()
    {
        List<AuditRecord> chain = Chain();
        AuditRecord third = chain[2];
        AuditRecord fourth = chain[3];

        // Whoever reorders can recompute SHA-256, but not make the chain link up without rewriting all after it.
        chain[2] = Rehashed(fourth with { Seq = 3 });
        chain[3] = Rehashed(third with { Seq = 4 });

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(2, 3, AuditBreak.PrevHashMismatch)));
    }

    [Test]
    public void An_inserted_copy_of_a_record_is_out_of_order()
    {
        List<AuditRecord> chain = Chain();
        chain.Insert(3, chain[2]);

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(3, 3, AuditBreak.SeqOutOfOrder)));
    }

    [Test]
    public void An_inserted_forged_record_breaks_the_record_after_it()
    {
        List<AuditRecord> chain = Chain();
        AuditRecord forged = AuditChain.Link(new AuditEntry("tenant-a", Start, "user:mallory", "rehydrate", "ok", "{}"), 3, chain[1].Hash);
        chain.Insert(2, forged);
        for (var i = 3; i < chain.Count; i++)
        {
            chain[i] = chain[i] with { Seq = i + 1 };
        }

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(3, 4, AuditBreak.HashMismatch)));
    }

    [Test]
    public void A_rehashed_edit_does_not_link_to_the_next_record()
    {
        List<AuditRecord> chain = Chain();
        chain[1] = Rehashed(chain[1] with { Outcome = "denied" });

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(2, 3, AuditBreak.PrevHashMismatch)));
    }

    [Test]
    public void A_record_of_another_tenant_breaks_the_chain()
    {
        List<AuditRecord> chain = Chain();
        chain[4] = Chain("tenant-b")[4];

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(4, 5, AuditBreak.OtherTenant)));
    }

    [Test]
    public void A_cut_tail_leaves_an_intact_shorter_chain_which_only_a_known_head_can_reveal()
    {
        List<AuditRecord> chain = Chain();
        var head = new AuditCheckpoint(6, chain[5].Hash);
        chain.RemoveRange(4, 2);

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(4, null, null)));
        Assert.That(AuditVerifier.Verify(chain, head: head), Is.EqualTo(new AuditVerification(4, 5, AuditBreak.SeqGap)));
        Assert.That(AuditVerifier.Verify([], head: head), Is.EqualTo(new AuditVerification(0, 1, AuditBreak.SeqGap)));
    }

    [Test]
    public void A_newest_record_replaced_by_a_rehashed_copy_does_not_match_the_head()
    {
        List<AuditRecord> chain = Chain();
        var head = new AuditCheckpoint(6, chain[5].Hash);
        chain[5] = Rehashed(chain[5] with { Outcome = "denied" });

        Assert.That(AuditVerifier.Verify(chain), Is.EqualTo(new AuditVerification(6, null, null)));
        Assert.That(AuditVerifier.Verify(chain, head: head), Is.EqualTo(new AuditVerification(5, 6, AuditBreak.HeadMismatch)));
    }

    [Test]
    public void Records_appended_after_the_head_was_read_are_verified_too()
    {
        List<AuditRecord> chain = Chain();

        Assert.That(AuditVerifier.Verify(chain, head: new AuditCheckpoint(4, chain[3].Hash)), Is.EqualTo(new AuditVerification(6, null, null)));
        Assert.That(AuditVerifier.Verify(chain, head: AuditCheckpoint.Genesis), Is.EqualTo(new AuditVerification(6, null, null)));
    }

    [Test]
    public void Verification_can_start_after_a_known_good_checkpoint()
    {
        List<AuditRecord> chain = Chain();
        var checkpoint = new AuditCheckpoint(2, chain[1].Hash);

        Assert.That(AuditVerifier.Verify(chain.Skip(2), checkpoint), Is.EqualTo(new AuditVerification(4, null, null)));
        Assert.That(
            AuditVerifier.Verify(chain.Skip(2), new AuditCheckpoint(2, chain[0].Hash)),
            Is.EqualTo(new AuditVerification(0, 3, AuditBreak.PrevHashMismatch)));
    }

    [Test]
    public async Task The_async_form_gives_the_same_answers()
    {
        List<AuditRecord> chain = Chain();
        List<AuditRecord> edited = Chain();
        edited[5] = edited[5] with { Actor = "user:mallory" };

        Assert.That(await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable()), Is.EqualTo(AuditVerifier.Verify(chain)));
        Assert.That(await AuditVerifier.VerifyAsync(edited.ToAsyncEnumerable()), Is.EqualTo(new AuditVerification(5, 6, AuditBreak.HashMismatch)));
    }

    [Test]
    public async Task A_checkpoint_that_a_record_names_and_the_store_no_longer_holds_breaks_the_chain_at_that_record()
    {
        // Records 3 and 5 say checkpoints 2 and 4 were stored; 5 came from the replica that lost the race at seq 4.
        var chain = CheckpointChain((3, "ok", """{"seq":2}"""), (5, "ok", """{"existing":true,"seq":4}"""));

        var intact = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), storedCheckpoints: [2, 4]);
        var deleted = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), storedCheckpoints: [2]);
        var bothDeleted = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), storedCheckpoints: []);

        Assert.That(intact, Is.EqualTo(new AuditVerification(6, null, null)), "an existing record names the winner's seq: nothing missing");
        Assert.That(deleted, Is.EqualTo(new AuditVerification(6, 5, AuditBreak.CheckpointMissing) { MissingCheckpoints = [4] }));
        Assert.That(bothDeleted, Is.EqualTo(new AuditVerification(6, 3, AuditBreak.CheckpointMissing) { MissingCheckpoints = [2, 4] }), "at the first record naming one");
    }

    [Test]
    public async Task A_stored_checkpoint_no_record_names_is_reported_and_not_a_break()
    {
        // A refused checkpoint and a record whose detail is not JSON name nothing.
        var chain = CheckpointChain((3, "refused:provider_unavailable", "{}"), (5, "ok", "not json"));

        var result = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), storedCheckpoints: [4, 2]);

        Assert.That(result, Is.EqualTo(new AuditVerification(6, null, null) { UnrecordedCheckpoints = [2, 4] }));
    }

    [Test]
    public async Task A_checkpoint_record_beyond_the_head_read_first_is_not_held_to_the_stored_checkpoints()
    {
        var chain = CheckpointChain((3, "ok", """{"seq":2}"""), (5, "ok", """{"seq":4}"""));
        var head = new AuditCheckpoint(4, chain[3].Hash);

        var result = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), head: head, storedCheckpoints: [2]);
        var withoutStored = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), head: head);

        Assert.That(result, Is.EqualTo(new AuditVerification(6, null, null)), "checkpoint 4 may have been stored after the list was read");
        Assert.That(withoutStored, Is.EqualTo(new AuditVerification(6, null, null)), "no stored list, no match");
    }

    [Test]
    public async Task On_a_broken_chain_the_checkpoints_named_before_the_break_are_still_matched()
    {
        var chain = CheckpointChain((3, "ok", """{"seq":2}"""));
        chain[4] = chain[4] with { Actor = "user:mallory" };

        var result = await AuditVerifier.VerifyAsync(chain.ToAsyncEnumerable(), storedCheckpoints: []);

        Assert.That(result, Is.EqualTo(new AuditVerification(4, 5, AuditBreak.HashMismatch) { MissingCheckpoints = [2] }));
        Assert.That(AuditProblems.Name(AuditBreak.CheckpointMissing), Is.EqualTo("names a signed checkpoint that was deleted"));
    }

    /// <summary>A chain of six records in which the given seqs are <c>audit.checkpoint</c> records with that outcome and detail.</summary>
    private static List<AuditRecord> CheckpointChain(params (int Seq, string Outcome, string DetailJson)[] checkpoints)
    {
        var heads = new Dictionary<string, AuditHead>(StringComparer.Ordinal) { ["tenant-a"] = AuditHead.Empty };
        var entries = Enumerable.Range(1, 6).Select(i => checkpoints.FirstOrDefault(c => c.Seq == i) is { Outcome: not null } c
            ? new AuditEntry("tenant-a", Start.AddSeconds(i), "audit:carol", AuditQueries.CheckpointAction, c.Outcome, c.DetailJson)
            : new AuditEntry("tenant-a", Start.AddSeconds(i), "svc:vault", "tokenize", "ok", $$"""{"count":{{i}}}""")).ToList();
        return AuditChain.Extend(entries, heads);
    }

    private static AuditRecord Rehashed(AuditRecord record) => record with
    {
        Hash = AuditChain.Hash(record.PrevHash, record.TenantId, record.Seq, record.At, record.Actor, record.Action, record.Outcome, record.DetailJson),
    };
}
