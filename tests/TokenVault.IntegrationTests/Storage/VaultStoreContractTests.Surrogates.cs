using NUnit.Framework;
using PrivateInference.TokenVault.Storage;
using static PrivateInference.TokenVault.IntegrationTests.Storage.VaultTestData;

namespace PrivateInference.TokenVault.IntegrationTests.Storage;

public abstract partial class VaultStoreContractTests
{
    [Test]
    public async Task A_claimed_surrogate_is_found_again_and_a_row_never_changes_its_surrogate()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [Token(), Token("SSN")], Now);
        byte[] first = Fingerprint();
        byte[] second = Fingerprint();

        IReadOnlyList<int?> claimed = await Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[0].TokenId, first, 0)]);
        IReadOnlyList<int?> again = await OpenStore().ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[0].TokenId, second, 3), new SurrogateClaim(rows[1].TokenId, first, 2)]);
        IReadOnlyList<TokenRecord?> found = await HoldersAsync(Store, tenantId, [second, first, first], Now);

        Assert.That(claimed, Is.EqualTo(new int?[] { 0 }));
        Assert.That(again, Is.EqualTo(new int?[] { 0, null }), "the row keeps attempt 0; the other row cannot take a held fingerprint");
        Assert.That(found.Select(r => r?.TokenId), Is.EqualTo(new[] { null, rows[0].TokenId, rows[0].TokenId }));
        Assert.That((await Store.FindTokenIdsAsync(tenantId, [new FingerprintKey("PAN", rows[0].Fingerprint)], Now)).Single().SurrogateAttempt, Is.Zero);
        Assert.That(await HoldersAsync(Store, await CreateTenantAsync(), [first], Now), Is.EqualTo(new TokenRecord?[] { null }), "another tenant finds nothing");
    }

    [Test]
    public async Task A_claim_batch_must_not_name_a_row_or_a_fingerprint_twice()
    {
        string tenantId = await CreateTenantAsync();
        byte[] fingerprint = Fingerprint();

        Assert.That(() => Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(TokenId(), fingerprint, 0), new SurrogateClaim(TokenId(), fingerprint, 1)]), Throws.ArgumentException);
        string id = TokenId();
        Assert.That(() => Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(id, Fingerprint(), 0), new SurrogateClaim(id, Fingerprint(), 1)]), Throws.ArgumentException);
    }

    [Test]
    public async Task Concurrent_claims_give_one_fingerprint_to_one_row_and_one_row_one_surrogate()
    {
        const int Callers = 16;
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [.. Enumerable.Range(0, Callers + 1).Select(_ => Token())], Now);
        byte[] contested = Fingerprint();
        // Stores of this test's own, closed at its end: a fixture's idle pools add up towards the server's connection limit.
        IVaultStore[] replicas = Enumerable.Range(0, Replicas).Select(_ => CreateStore()).ToArray();
        await using var closeReplicas = new StoresToClose(replicas);

        // Caller n wants the contested fingerprint for row n, and its own fingerprint (attempt n) for the shared last row.
        IReadOnlyList<int?>[] results = await Task.WhenAll(Enumerable.Range(0, Callers).Select(n => Task.Run(() =>
            replicas[n % replicas.Length].ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[n].TokenId, contested, 0), new SurrogateClaim(rows[Callers].TokenId, Fingerprint(), n)]))));

        Assert.That(results.Count(r => r[0] == 0), Is.EqualTo(1), "one row got the contested fingerprint");
        Assert.That(results.Select(r => r[1]).Distinct().Count(), Is.EqualTo(1), "every caller sees the shared row's one attempt");
        TokenRecord? holder = (await HoldersAsync(Store, tenantId, [contested], Now)).Single();
        Assert.That(holder?.TokenId, Is.EqualTo(rows[Array.FindIndex(results, r => r[0] == 0)].TokenId));
    }

    [Test]
    public async Task Expired_rows_are_not_found_by_surrogate_and_purge_and_replacement_free_their_surrogates()
    {
        string tenantId = await CreateTenantAsync();
        NewToken shortLived = Token(expiresAt: Now.AddMinutes(1));
        NewToken other = Token(expiresAt: Now.AddMinutes(1));
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [shortLived, other], Now);
        byte[] first = Fingerprint();
        byte[] second = Fingerprint();
        await Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[0].TokenId, first, 0), new SurrogateClaim(rows[1].TokenId, second, 0)]);
        DateTimeOffset later = Now.AddMinutes(2);

        IReadOnlyList<TokenRecord?> afterExpiry = await HoldersAsync(Store, tenantId, [first, second], later);
        IReadOnlyList<TokenRecord> replaced = await Store.InsertOrGetAsync(tenantId, [Token(fingerprint: shortLived.Fingerprint)], later);
        await Store.PurgeExpiredAsync(later, 100);
        IReadOnlyList<TokenRecord> reused = await Store.InsertOrGetAsync(tenantId, [Token(), Token()], later);
        IReadOnlyList<int?> claims = await Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(reused[0].TokenId, first, 1), new SurrogateClaim(reused[1].TokenId, second, 1)]);

        Assert.That(afterExpiry, Is.EqualTo(new TokenRecord?[] { null, null }));
        Assert.That((replaced[0].SurrogateFingerprint, replaced[0].SurrogateAttempt), Is.EqualTo(((byte[]?)null, (int?)null)), "a replaced expired row has no surrogate");
        Assert.That(claims, Is.EqualTo(new int?[] { 1, 1 }), "both fingerprints are free again");
    }

    [Test]
    public async Task Rows_by_id_and_surrogate_holders_come_back_together_in_the_order_asked_with_repeats()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [Token(), Token("SSN"), Token("EMAIL")], Now);
        byte[] first = Fingerprint();
        byte[] second = Fingerprint();
        await Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[0].TokenId, first, 0), new SurrogateClaim(rows[1].TokenId, second, 4)]);
        string unknownId = TokenId();

        TokensAndSurrogates found = await Store.GetTokensAndSurrogatesAsync(
            tenantId, [rows[2].TokenId, unknownId, rows[0].TokenId, rows[2].TokenId], [second, Fingerprint(), first, second], Now);

        Assert.That(found.Tokens.Select(r => r.TokenId), Is.EqualTo(new[] { rows[2].TokenId, rows[0].TokenId }), "by ID: unknown skipped, a repeat once, first-asked order");
        Assert.That(found.Surrogates.Select(r => r?.TokenId), Is.EqualTo(new[] { rows[1].TokenId, null, rows[0].TokenId, rows[1].TokenId }), "one entry per fingerprint asked, in order");
        TokenRecord holder = found.Surrogates[0]!;
        Assert.That((holder.EntityType, holder.SurrogateAttempt, holder.Ciphertext.AsSpan().SequenceEqual(rows[1].Ciphertext), holder.SurrogateFingerprint.AsSpan().SequenceEqual(second)), Is.EqualTo(("SSN", (int?)4, true, true)), "the whole row");
        Assert.That(found.Tokens[1].SurrogateFingerprint.AsSpan().SequenceEqual(first), Is.True, "a row read by ID carries its surrogate too");
    }

    [Test]
    public async Task Expired_rows_and_other_tenants_rows_are_found_neither_by_id_nor_by_surrogate()
    {
        string tenantId = await CreateTenantAsync();
        string otherTenant = await CreateTenantAsync();
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [Token(expiresAt: Now.AddMinutes(1)), Token()], Now);
        IReadOnlyList<TokenRecord> theirs = await Store.InsertOrGetAsync(otherTenant, [Token()], Now);
        byte[] expiring = Fingerprint();
        byte[] lasting = Fingerprint();
        byte[] elsewhere = Fingerprint();
        await Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[0].TokenId, expiring, 0), new SurrogateClaim(rows[1].TokenId, lasting, 0)]);
        await Store.ClaimSurrogatesAsync(otherTenant, [new SurrogateClaim(theirs[0].TokenId, elsewhere, 0)]);
        string[] ids = [rows[0].TokenId, rows[1].TokenId, theirs[0].TokenId];
        byte[][] fingerprints = [expiring, lasting, elsewhere];

        TokensAndSurrogates before = await Store.GetTokensAndSurrogatesAsync(tenantId, ids, fingerprints, Now.AddMinutes(1).AddTicks(-10));
        TokensAndSurrogates after = await Store.GetTokensAndSurrogatesAsync(tenantId, ids, fingerprints, Now.AddMinutes(1));

        Assert.That(before.Tokens.Select(r => r.TokenId), Is.EqualTo(new[] { rows[0].TokenId, rows[1].TokenId }), "another tenant's row is not found by ID");
        Assert.That(before.Surrogates.Select(r => r?.TokenId), Is.EqualTo(new[] { rows[0].TokenId, rows[1].TokenId, null }), "nor by its surrogate");
        Assert.That(after.Tokens.Select(r => r.TokenId), Is.EqualTo(new[] { rows[1].TokenId }), "expires_at > now, as every token read");
        Assert.That(after.Surrogates.Select(r => r?.TokenId), Is.EqualTo(new[] { null, rows[1].TokenId, null }));
    }

    [Test]
    public async Task Either_list_may_be_empty()
    {
        string tenantId = await CreateTenantAsync();
        IReadOnlyList<TokenRecord> rows = await Store.InsertOrGetAsync(tenantId, [Token()], Now);
        byte[] fingerprint = Fingerprint();
        await Store.ClaimSurrogatesAsync(tenantId, [new SurrogateClaim(rows[0].TokenId, fingerprint, 0)]);

        TokensAndSurrogates neither = await Store.GetTokensAndSurrogatesAsync(tenantId, [], [], Now);
        TokensAndSurrogates idsOnly = await Store.GetTokensAndSurrogatesAsync(tenantId, [rows[0].TokenId], [], Now);
        TokensAndSurrogates surrogatesOnly = await Store.GetTokensAndSurrogatesAsync(tenantId, [], [fingerprint], Now);

        Assert.That((neither.Tokens.Count, neither.Surrogates.Count), Is.EqualTo((0, 0)));
        Assert.That((idsOnly.Tokens.Single().TokenId == rows[0].TokenId, idsOnly.Surrogates.Count), Is.EqualTo((true, 0)));
        Assert.That((surrogatesOnly.Tokens.Count, surrogatesOnly.Surrogates.Single()?.TokenId == rows[0].TokenId), Is.EqualTo((0, true)));
    }

    /// <summary>The surrogate half of <see cref="IVaultStore.GetTokensAndSurrogatesAsync"/>.</summary>
    private static async Task<IReadOnlyList<TokenRecord?>> HoldersAsync(IVaultStore store, string tenantId, IReadOnlyList<byte[]> surrogateFingerprints, DateTimeOffset now) =>
        (await store.GetTokensAndSurrogatesAsync(tenantId, [], surrogateFingerprints, now)).Surrogates;

    private sealed class StoresToClose(IVaultStore[] stores) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (IVaultStore store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}
