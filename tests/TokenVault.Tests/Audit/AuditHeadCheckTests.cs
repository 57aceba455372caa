using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Audit;

/// <summary>An intact chain is compared with the head the appenders stored: a cut tail is no valid shorter chain.</summary>
public sealed class AuditHeadCheckTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static List<AuditRecord> Chain(int count)
    {
        var heads = new Dictionary<string, AuditHead>(StringComparer.Ordinal) { ["tenant-a"] = AuditHead.Empty };
        return AuditChain.Extend(
            Enumerable.Range(1, count).Select(i => new AuditEntry("tenant-a", Start.AddSeconds(i), "svc:vault", "tokenize", "ok", "{}")).ToList(),
            heads);
    }

    private static AuditVerification Check(List<AuditRecord> kept, AuditRecord head) =>
        AuditQueries.AgainstHead(AuditVerifier.Verify(kept), kept.LastOrDefault(), new AuditCheckpoint(head.Seq, head.Hash));

    [Test]
    public void A_chain_that_ends_at_its_head_is_intact()
    {
        var chain = Chain(5);

        Assert.That(Check(chain, chain[^1]).IsIntact, Is.True);
    }

    [Test]
    public void Deleting_the_newest_records_is_a_deletion_at_the_first_missing_seq()
    {
        var chain = Chain(5);
        var cut = chain.Take(3).ToList();

        var result = Check(cut, chain[^1]);

        Assert.That((result.BrokenAtSeq, result.Break), Is.EqualTo(((long?)4, (AuditBreak?)AuditBreak.SeqGap)));
    }

    [Test]
    public void Deleting_every_record_is_a_deletion_at_seq_one()
    {
        var chain = Chain(2);

        var result = Check([], chain[^1]);

        Assert.That((result.BrokenAtSeq, result.Break), Is.EqualTo(((long?)1, (AuditBreak?)AuditBreak.SeqGap)));
    }

    [Test]
    public void A_newest_record_replaced_by_a_rehashed_copy_differs_from_the_head()
    {
        var chain = Chain(4);
        var forged = Chain(4);
        var replaced = chain.Take(3).Append(forged[3] with { PrevHash = chain[2].Hash, Hash = new byte[32] }).ToList();

        var result = AuditQueries.AgainstHead(new AuditVerification(4, null, null), replaced[^1], new AuditCheckpoint(chain[3].Seq, chain[3].Hash));

        Assert.That((result.BrokenAtSeq, result.Break), Is.EqualTo(((long?)4, (AuditBreak?)AuditBreak.HashMismatch)));
    }

    [Test]
    public void Without_a_head_the_chain_result_stands()
    {
        var chain = Chain(3);
        var verified = AuditVerifier.Verify(chain);

        Assert.That(AuditQueries.AgainstHead(verified, chain[^1], null), Is.EqualTo(verified));
    }
}
