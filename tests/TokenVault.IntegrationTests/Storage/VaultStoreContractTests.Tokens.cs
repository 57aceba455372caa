using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Storage;
using static PrivateInference.TokenVault.IntegrationTests.Storage.VaultTestData;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

public abstract partial class VaultStoreContractTests
{
    [Test]
    public async Task First_sight_stores_each_row_exactly_and_returns_it_in_input_order()
    {
        string tenantId = await CreateTenantAsync();
        NewToken[] tokens =
        [
            Token("PAN", expiresAt: Now.AddDays(1).AddTicks(3), subjectRef: Fingerprint()),
            Token("EMAIL"),
            Token("PERSON", dekVersion: 2),
        ];

        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, tokens, Now);

        Assert.That(rows.Select(Describe), Is.EqualTo(tokens.Select(t => Describe(Expected(tenantId, t)))));
        Assert.That(
            (await OpenStore().GetTokensAsync(tenantId, tokens.Select(t => t.TokenId).ToArray(), Now)).Select(Describe),
            Is.EqualTo(rows.Select(Describe)));
    }

    [Test]
    public async Task The_same_value_seen_again_gets_the_first_row_whatever_the_new_id()
    {
        string tenantId = await CreateTenantAsync();
        NewToken first = Token();
        IReadOnlyList<TokenRecord> stored = await Store.InsertOrGetAsync(tenantId, [first], Now);

        NewToken again = Token(fingerprint: first.Fingerprint) with { Ciphertext = Ciphertext() };
        IReadOnlyList<TokenRecord> seenAgain = await OpenStore().InsertOrGetAsync(tenantId, [again, Token()], Now.AddHours(1));

        Assert.That(Describe(seenAgain[0]), Is.EqualTo(Describe(stored[0])));
        Assert.That(seenAgain[1].TokenId, Is.Not.EqualTo(stored[0].TokenId));
        Assert.That((await Store.CountTokensAsync(tenantId, 1)).Total, Is.EqualTo(2));
    }

    [Test]
    public async Task A_pair_repeated_in_one_batch_gets_one_row_for_every_occurrence()
    {
        string tenantId = await CreateTenantAsync();
        byte[] fingerprint = Fingerprint();
        NewToken[] tokens = [Token(fingerprint: fingerprint), Token("EMAIL", fingerprint: fingerprint), Token(fingerprint: (byte[])fingerprint.Clone())];

        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, tokens, Now);

        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows[0].TokenId, Is.EqualTo(tokens[0].TokenId), "the first occurrence is the one stored");
        Assert.That(rows[2].TokenId, Is.EqualTo(rows[0].TokenId));
        Assert.That(rows[1].TokenId, Is.EqualTo(tokens[1].TokenId), "the same fingerprint under another type is another pair");
        Assert.That((await Store.CountTokensAsync(tenantId, 1)).Total, Is.EqualTo(2));
    }

    [Test]
    public async Task An_expired_row_is_replaced_by_the_new_one()
    {
        string tenantId = await CreateTenantAsync();
        NewToken old = Token(expiresAt: Now.AddMinutes(-1));
        await Store.InsertOrGetAsync(tenantId, [old], Now.AddDays(-1));
        NewToken fresh = Token(fingerprint: old.Fingerprint, expiresAt: Now.AddDays(1), dekVersion: 2);

        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [fresh], Now);

        Assert.That(Describe(rows[0]), Is.EqualTo(Describe(Expected(tenantId, fresh))));
        Assert.That(await Store.GetTokensAsync(tenantId, [old.TokenId], Now.AddDays(-2)), Is.Empty, "the old row is gone, not hidden");
        Assert.That((await Store.CountTokensAsync(tenantId, 1)).Total, Is.EqualTo(1));
    }

    [Test]
    public async Task A_row_expiring_exactly_now_counts_as_expired()
    {
        string tenantId = await CreateTenantAsync();
        NewToken token = Token(expiresAt: Now);
        await Store.InsertOrGetAsync(tenantId, [token], Now.AddDays(-1));

        Assert.That(await Store.FindByFingerprintsAsync(tenantId, [new FingerprintKey("PAN", token.Fingerprint)], Now), Is.Empty);
        Assert.That(await Store.GetTokensAsync(tenantId, [token.TokenId], Now.AddTicks(-10)), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_callers_on_several_replicas_agree_on_one_row_per_value()
    {
        const int Callers = 64;
        const int Values = 1_000;
        string tenantId = await CreateTenantAsync();
        byte[][] fingerprints = Enumerable.Range(0, Values).Select(_ => Fingerprint()).ToArray();
        IVaultStore[] replicas = Enumerable.Range(0, Replicas).Select(_ => OpenStore()).ToArray();

        // Every caller has its own IDs and ciphertexts for the same values, in its own order.
        Task<IReadOnlyList<TokenRecord>>[] callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(() =>
        {
            NewToken[] batch = fingerprints.Select(fingerprint => Token(fingerprint: fingerprint)).ToArray();
            RandomNumberGenerator.Shuffle(batch.AsSpan());
            return replicas[caller % replicas.Length].InsertOrGetAsync(tenantId, batch, Now);
        })).ToArray();
        IReadOnlyList<TokenRecord>[] results = await Task.WhenAll(callers);

        Assert.That((await Store.CountTokensAsync(tenantId, 1)).Total, Is.EqualTo(Values));
        var stored = (await Store.FindByFingerprintsAsync(tenantId, fingerprints.Select(f => new FingerprintKey("PAN", f)).ToArray(), Now))
            .ToDictionary(row => Convert.ToHexString(row.Fingerprint), Describe);
        Assert.That(stored, Has.Count.EqualTo(Values));
        foreach (IReadOnlyList<TokenRecord> result in results)
        {
            Assert.That(result, Has.Count.EqualTo(Values));
            Assert.That(result.All(row => stored[Convert.ToHexString(row.Fingerprint)] == Describe(row)), Is.True, "every caller got the stored row");
        }
    }

    [Test]
    public async Task A_token_id_collision_is_its_own_retryable_error_and_writes_nothing()
    {
        string tenantId = await CreateTenantAsync();
        NewToken taken = Token();
        await Store.InsertOrGetAsync(tenantId, [taken], Now);
        NewToken innocent = Token();
        NewToken colliding = Token() with { TokenId = taken.TokenId };

        var error = Assert.ThrowsAsync<TokenIdCollisionException>(() => Store.InsertOrGetAsync(tenantId, [innocent, colliding], Now));

        Assert.That(error!.Message, Does.Not.Contain(taken.TokenId));
        Assert.That(await Store.FindByFingerprintsAsync(tenantId, [new FingerprintKey("PAN", innocent.Fingerprint)], Now), Is.Empty);
        Assert.That(await Store.InsertOrGetAsync(tenantId, [innocent, Token(fingerprint: colliding.Fingerprint)], Now), Has.Count.EqualTo(2), "a retry with new IDs succeeds");
    }

    [Test]
    public void Tokens_for_a_tenant_that_does_not_exist_are_refused()
    {
        Assert.That(() => Store.InsertOrGetAsync(TenantId(), [Token()], Now), Throws.TypeOf<TenantNotFoundException>());
    }

    [Test]
    public async Task Fingerprint_lookup_skips_unknown_and_expired_pairs_and_answers_in_input_order()
    {
        (string tenantId, NewToken live, NewToken other, FingerprintKey[] lookup) = await TokensToLookUpAsync();
        string otherTenant = await CreateTenantAsync();

        IReadOnlyList<TokenRecord> found = await Store.FindByFingerprintsAsync(tenantId, lookup, Now);

        Assert.That(found.Select(r => r.TokenId), Is.EqualTo(new[] { other.TokenId, live.TokenId }));
        Assert.That(await Store.FindByFingerprintsAsync(otherTenant, [new FingerprintKey("PAN", live.Fingerprint)], Now), Is.Empty);
    }

    [Test]
    public async Task Token_id_lookup_finds_each_live_pair_once_and_nothing_else()
    {
        (string tenantId, NewToken live, NewToken other, FingerprintKey[] lookup) = await TokensToLookUpAsync();

        IReadOnlyList<TokenMatch> found = await Store.FindTokenIdsAsync(tenantId, lookup, Now);

        Assert.That(found.Select(m => (m.EntityType, Convert.ToHexString(m.Fingerprint), m.TokenId, m.ExpiresAt)), Is.EquivalentTo(new[]
        {
            ("PHONE", Convert.ToHexString(other.Fingerprint), other.TokenId, (DateTimeOffset?)Now.AddDays(1).AddTicks(-7)),
            ("PAN", Convert.ToHexString(live.Fingerprint), live.TokenId, null),
        }), "with each row's expiry as stored (whole microseconds), for a cache to check as the SQL does");
        Assert.That(await Store.FindTokenIdsAsync(await CreateTenantAsync(), [new FingerprintKey("PAN", live.Fingerprint)], Now), Is.Empty);
    }

    /// <summary>A tenant with a live PAN, an expired EMAIL and a PHONE token, and a lookup in mixed order that asks for
    /// each, for the live fingerprint under another type, for a pair nobody holds and for the live one twice.</summary>
    private async Task<(string TenantId, NewToken Live, NewToken Other, FingerprintKey[] Lookup)> TokensToLookUpAsync()
    {
        string tenantId = await CreateTenantAsync();
        NewToken live = Token();
        NewToken expired = Token("EMAIL", expiresAt: Now.AddSeconds(-1));
        NewToken other = Token("PHONE", expiresAt: Now.AddDays(1));
        await Store.InsertOrGetAsync(tenantId, [live, expired, other], Now.AddDays(-1));
        return (tenantId, live, other,
        [
            new FingerprintKey("PHONE", other.Fingerprint),
            new FingerprintKey("EMAIL", expired.Fingerprint),
            new FingerprintKey("EMAIL", live.Fingerprint),
            new FingerprintKey("PAN", Fingerprint()),
            new FingerprintKey("PAN", live.Fingerprint),
            new FingerprintKey("PAN", live.Fingerprint),
        ]);
    }

    [Test]
    public async Task Token_lookup_skips_unknown_and_expired_ids_and_other_tenants()
    {
        string tenantId = await CreateTenantAsync();
        NewToken live = Token(expiresAt: Now.AddSeconds(1));
        NewToken expired = Token(expiresAt: Now);
        NewToken forever = Token("EMAIL");
        await Store.InsertOrGetAsync(tenantId, [live, expired, forever], Now.AddDays(-1));
        string otherTenant = await CreateTenantAsync();

        IReadOnlyList<TokenRecord> found = await Store.GetTokensAsync(tenantId, [forever.TokenId, TokenId(), expired.TokenId, live.TokenId, forever.TokenId], Now);

        Assert.That(found.Select(r => r.TokenId), Is.EqualTo(new[] { forever.TokenId, live.TokenId }));
        Assert.That(await Store.GetTokensAsync(otherTenant, [live.TokenId], Now), Is.Empty);
    }

    [Test]
    public async Task Erasing_a_subject_deletes_its_rows_of_that_tenant_only()
    {
        string tenantId = await CreateTenantAsync();
        string otherTenant = await CreateTenantAsync();
        byte[] subject = Fingerprint();
        NewToken[] theirs = [Token(subjectRef: subject), Token("EMAIL", subjectRef: subject)];
        NewToken someoneElse = Token(subjectRef: Fingerprint());
        NewToken nobody = Token("PHONE");
        await Store.InsertOrGetAsync(tenantId, [.. theirs, someoneElse, nobody], Now);
        await Store.InsertOrGetAsync(otherTenant, [Token(subjectRef: subject)], Now);

        Assert.That(await Store.EraseSubjectAsync(tenantId, subject), Is.EqualTo(2));

        Assert.That(await Store.GetTokensAsync(tenantId, theirs.Select(t => t.TokenId).ToArray(), Now), Is.Empty);
        Assert.That(await Store.GetTokensAsync(tenantId, [someoneElse.TokenId, nobody.TokenId], Now), Has.Count.EqualTo(2));
        Assert.That((await Store.CountTokensAsync(otherTenant, 1)).Total, Is.EqualTo(1));
        Assert.That(await Store.EraseSubjectAsync(tenantId, subject), Is.Zero);
    }

    [Test]
    public async Task Purging_deletes_the_oldest_expired_rows_up_to_the_limit_and_counts_them_per_tenant()
    {
        // Expiry in 2001, long before any other test's rows, so this purge touches only these.
        DateTimeOffset past = new(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string first = await CreateTenantAsync();
        string second = await CreateTenantAsync();
        NewToken[] firstRows = [Token(expiresAt: past.AddHours(1)), Token(expiresAt: past.AddHours(3)), Token(expiresAt: past.AddDays(400))];
        NewToken[] secondRows = [Token(expiresAt: past.AddHours(2)), Token()];
        await Store.InsertOrGetAsync(first, firstRows, past.AddYears(-1));
        await Store.InsertOrGetAsync(second, secondRows, past.AddYears(-1));
        DateTimeOffset purgeTime = past.AddDays(1);

        IReadOnlyDictionary<string, int> purged = await Store.PurgeExpiredAsync(purgeTime, 2);

        Assert.That(purged, Is.EquivalentTo(new Dictionary<string, int> { [first] = 1, [second] = 1 }));
        Assert.That(await Store.PurgeExpiredAsync(purgeTime, 10), Is.EquivalentTo(new Dictionary<string, int> { [first] = 1 }));
        Assert.That(await Store.PurgeExpiredAsync(purgeTime, 10), Is.Empty);
        Assert.That((await Store.CountTokensAsync(first, 1)).Total, Is.EqualTo(1));
        Assert.That((await Store.CountTokensAsync(second, 1)).Total, Is.EqualTo(1));
    }

    [Test]
    public async Task The_reencryption_cursor_pages_through_old_rows_and_replaces_only_unchanged_ones()
    {
        string tenantId = await CreateTenantAsync();
        NewToken[] old = Enumerable.Range(0, 7).Select(_ => Token(fingerprint: Fingerprint(), dekVersion: 1)).ToArray();
        await Store.InsertOrGetAsync(tenantId, [.. old, Token(dekVersion: 2), Token(dekVersion: 3)], Now);

        var seen = new List<TokenRecord>();
        string? after = null;
        while (true)
        {
            IReadOnlyList<TokenRecord> page = await Store.ReadOlderThanDekAsync(tenantId, 2, after, 3);
            if (page.Count == 0)
            {
                break;
            }

            Assert.That(page, Has.Count.LessThanOrEqualTo(3));
            seen.AddRange(page);
            after = page[^1].TokenId;
        }

        Assert.That(seen.Select(r => r.TokenId), Is.EqualTo(old.Select(t => t.TokenId).Order(StringComparer.Ordinal)));

        byte[] newCiphertext = Ciphertext();
        CiphertextUpdate[] updates =
        [
            new(seen[0].TokenId, 1, newCiphertext, 2),
            new(seen[1].TokenId, 1, Ciphertext(), 2),
            new(seen[1].TokenId, 1, Ciphertext(), 3),
            new(TokenId(), 1, Ciphertext(), 2),
        ];
        Assert.That(await OpenStore().ReplaceCiphertextsAsync(tenantId, updates), Is.EqualTo(2), "a row is replaced once; the stale and unknown updates change nothing");

        TokenRecord replaced = (await Store.GetTokensAsync(tenantId, [seen[0].TokenId], Now))[0];
        Assert.That(replaced.Ciphertext, Is.EqualTo(newCiphertext));
        Assert.That(replaced.DekVersion, Is.EqualTo(2));
        Assert.That(await Store.ReplaceCiphertextsAsync(tenantId, [new(seen[0].TokenId, 1, Ciphertext(), 2)]), Is.Zero);
        Assert.That(await Store.ReadOlderThanDekAsync(tenantId, 2, null, 100), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task Counts_cover_every_row_expired_ones_by_the_store_clock_and_old_dek_versions()
    {
        string tenantId = await CreateTenantAsync();
        await Store.InsertOrGetAsync(tenantId,
        [
            Token(dekVersion: 1),
            Token(dekVersion: 1, expiresAt: Now.AddTicks(-10)),
            Token(dekVersion: 2, expiresAt: Now.AddSeconds(-1)),
            Token(dekVersion: 3, expiresAt: Now.AddSeconds(1)),
        ], Now.AddDays(-1));

        Assert.That(await Store.CountTokensAsync(tenantId, 2), Is.EqualTo(new TokenCounts(4, 2, 2)));
        Assert.That(await Store.CountTokensAsync(TenantId(), 2), Is.EqualTo(new TokenCounts(0, 0, 0)));
    }

    private static TokenRecord Expected(string tenantId, NewToken token) => new(
        tenantId,
        token.TokenId,
        token.EntityType,
        token.Fingerprint,
        token.FingerprintVersion,
        token.Ciphertext,
        token.DekVersion,
        Now.AddTicks(-7),
        token.ExpiresAt is { } expires ? new DateTimeOffset(expires.UtcTicks - (expires.UtcTicks % 10), TimeSpan.Zero) : null,
        token.SubjectRef);
}
