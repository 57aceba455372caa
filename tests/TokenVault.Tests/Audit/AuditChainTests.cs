using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.Tests.Audit;

/// <summary>The chain hash is a format: pinned by vectors computed outside this code base from the documented layout.</summary>
public sealed class AuditChainTests
{
    // 2025-01-02T03:04:05.123456Z = 1735787045123456 µs since the epoch.
    private static readonly DateTimeOffset At = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560);

    private const string FirstHash = "b10b1a7ce57e26960d695135cc754d998453cbfd69d25998485128c0fdb59d76";
    private const string SecondHash = "5af9acee9ae25238c18ab2d27275d35cccfc9759f455f9be1f70451dd2f67448";

    [Test]
    public void The_first_record_hashes_to_the_known_vector()
    {
        byte[] hash = AuditChain.Hash(AuditChain.GenesisHash, "tenant-a", 1, At, "svc:redactor", "tokenize", "ok", """{"count":3,"types":["PAN"]}""");

        Assert.That(Convert.ToHexStringLower(hash), Is.EqualTo(FirstHash));
    }

    [Test]
    public void The_second_record_chains_to_the_first_and_hashes_to_the_known_vector()
    {
        byte[] hash = AuditChain.Hash(Convert.FromHexString(FirstHash), "tenant-a", 2, At.AddTicks(10), "user:alice", "rehydrate", "denied", "{}");

        Assert.That(Convert.ToHexStringLower(hash), Is.EqualTo(SecondHash));
    }

    [Test]
    public void Non_ascii_text_and_a_time_before_1970_hash_to_the_known_vector()
    {
        // One microsecond before the epoch: -1, rounded down, not towards zero.
        DateTimeOffset justBefore = DateTimeOffset.UnixEpoch.AddTicks(-3);

        byte[] hash = AuditChain.Hash(AuditChain.GenesisHash, "_system", 1, justBefore, "ärzt", "x", "y", """{"k":"é"}""");

        Assert.That(Convert.ToHexStringLower(hash), Is.EqualTo("6bd981e2d958f1095929ed35a1ff546b6091543bb4341821eb42e6ea0e252bea"));
    }

    [Test]
    public void The_genesis_hash_is_32_zero_bytes()
    {
        Assert.That(AuditChain.GenesisHash.ToArray(), Is.EqualTo(new byte[32]));
    }

    [Test]
    public void Ticks_below_a_microsecond_and_the_offset_do_not_change_the_hash()
    {
        byte[] expected = HashAt(At);

        Assert.That(HashAt(At.AddTicks(9)), Is.EqualTo(expected));
        Assert.That(HashAt(At.ToOffset(TimeSpan.FromHours(2))), Is.EqualTo(expected));
        Assert.That(HashAt(At.AddTicks(10)), Is.Not.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> OneFieldChanged()
    {
        byte[] otherPrev = Enumerable.Repeat((byte)1, 32).ToArray();
        yield return new TestCaseData(otherPrev, "tenant-a", 1L, "actor", "action", "ok", "{}").SetName("prev_hash");
        yield return new TestCaseData(new byte[32], "tenant-b", 1L, "actor", "action", "ok", "{}").SetName("tenant");
        yield return new TestCaseData(new byte[32], "tenant-a", 2L, "actor", "action", "ok", "{}").SetName("seq");
        yield return new TestCaseData(new byte[32], "tenant-a", 1L, "actor2", "action", "ok", "{}").SetName("actor");
        yield return new TestCaseData(new byte[32], "tenant-a", 1L, "actor", "action2", "ok", "{}").SetName("action");
        yield return new TestCaseData(new byte[32], "tenant-a", 1L, "actor", "action", "denied", "{}").SetName("outcome");
        yield return new TestCaseData(new byte[32], "tenant-a", 1L, "actor", "action", "ok", "{ }").SetName("detail whitespace");

        // Length prefixes: moving a character from one field to the next changes the hash.
        yield return new TestCaseData(new byte[32], "tenant-a", 1L, "actora", "ction", "ok", "{}").SetName("field boundary");
    }

    [TestCaseSource(nameof(OneFieldChanged))]
    public void Changing_any_field_changes_the_hash(byte[] prevHash, string tenantId, long seq, string actor, string action, string outcome, string detail)
    {
        byte[] baseline = AuditChain.Hash(new byte[32], "tenant-a", 1, At, "actor", "action", "ok", "{}");

        Assert.That(AuditChain.Hash(prevHash, tenantId, seq, At, actor, action, outcome, detail), Is.Not.EqualTo(baseline));
    }

    [Test]
    public void A_previous_hash_that_is_not_32_bytes_is_refused()
    {
        Assert.That(() => AuditChain.Hash(new byte[31], "t", 1, At, "a", "b", "c", "{}"), Throws.ArgumentException);
    }

    [Test]
    public void Text_with_a_lone_surrogate_is_refused_rather_than_replaced()
    {
        Assert.That(() => AuditChain.Hash(new byte[32], "t", 1, At, "a\uD800", "b", "c", "{}"), Throws.ArgumentException);
    }

    [Test]
    public void Extending_chains_each_tenant_in_input_order_from_its_head()
    {
        var heads = new Dictionary<string, AuditHead>(StringComparer.Ordinal)
        {
            ["tenant-a"] = AuditHead.Empty,
            ["tenant-b"] = new AuditHead(7, Convert.FromHexString(FirstHash)),
        };
        AuditEntry[] entries =
        [
            new("tenant-a", At.AddTicks(5), "x", "a1", "ok", "{}"),
            new("tenant-b", At, "x", "b8", "ok", "{}"),
            new("tenant-a", At, "x", "a2", "ok", "{}"),
        ];

        List<AuditRecord> records = AuditChain.Extend(entries, heads);

        Assert.That(records.Select(r => (r.TenantId, r.Seq)), Is.EqualTo(new[] { ("tenant-a", 1L), ("tenant-b", 8L), ("tenant-a", 2L) }));
        Assert.That(records[0].PrevHash, Is.EqualTo(new byte[32]));
        Assert.That(records[1].PrevHash, Is.EqualTo(Convert.FromHexString(FirstHash)));
        Assert.That(records[2].PrevHash, Is.EqualTo(records[0].Hash));
        Assert.That(records[0].At, Is.EqualTo(At), "at is truncated to microseconds before hashing and storing");
        Assert.That(heads["tenant-a"], Is.EqualTo(new AuditHead(2, records[2].Hash)).Using<AuditHead>(SameHead));
        Assert.That(AuditVerifier.Verify(records.Where(r => r.TenantId == "tenant-a")).IsIntact, Is.True);
    }

    private static bool SameHead(AuditHead left, AuditHead right) => left.Seq == right.Seq && left.Hash.AsSpan().SequenceEqual(right.Hash);

    private static byte[] HashAt(DateTimeOffset at) => AuditChain.Hash(AuditChain.GenesisHash, "tenant-a", 1, at, "a", "b", "c", "{}");
}
