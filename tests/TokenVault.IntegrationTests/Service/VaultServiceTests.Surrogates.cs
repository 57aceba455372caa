using System.Text;
using NUnit.Framework;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

/// <summary>Surrogate mode (issue 5): Tokenize with surrogates, Detokenize by surrogate, on both backends.</summary>
/// <remarks>Assertions compare values and surrogates with each other, never print them: failures say which check failed.</remarks>
public abstract partial class VaultServiceTests
{
    private Task<Tokenized> TokenizeWithSurrogatesAsync(string tenantId, params TokenizeInput[] items) =>
        Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items, surrogates: true);

    private Task<DetokenizedBatch> ResolveSurrogatesAsync(string tenantId, params string[] surrogates) =>
        Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [], surrogates, context: null);

    [Test]
    public async Task Each_surrogate_type_gets_its_surrogate_and_the_vault_resolves_it_to_value_type_and_token()
    {
        var tenantId = await NewTenantAsync();
        TokenizeInput[] items =
        [
            new("PAN", Canary.Pan()),
            new("PERSON", Canary.Person()),
            new("SSN", Canary.Ssn()),
            new("ADDRESS", "4821 Canary Qzx Rd"),
            new("PHONE", "+1 (555) 010-0199"),
            new("EMAIL", Canary.Email()),
            new("DATE", "03/14/1962"),
        ];

        var result = await TokenizeWithSurrogatesAsync(tenantId, items);

        Assert.That(result.Surrogates.Select(s => s.Length > 0), Is.EqualTo(new[] { true, true, true, true, true, false, false }), "EMAIL and DATE have no surrogate");
        Assert.That(items.Zip(result.Surrogates).Count(p => string.Equals(p.First.Value, p.Second, StringComparison.OrdinalIgnoreCase)), Is.Zero, "no surrogate equals its value");
        var resolved = await ResolveSurrogatesAsync(tenantId, [.. result.Surrogates.Take(5)]);
        Assert.That(resolved.Tokens, Is.Empty);
        Assert.That(resolved.Surrogates.Select(r => r.Found), Has.All.True);
        Assert.That(resolved.Surrogates.Select(r => r.Value).SequenceEqual(items.Take(5).Select(i => i.Value)), Is.True, "each surrogate resolves to its value as written");
        Assert.That(resolved.Surrogates.Select(r => r.EntityType), Is.EqualTo(new[] { "PAN", "PERSON", "SSN", "ADDRESS", "PHONE" }));
        Assert.That(resolved.Surrogates.Select(r => r.Token), Is.EqualTo(result.Tokens.Take(5)), "and names its token");
        Assert.That(Canary.FoundIn(string.Join("\n", result.Surrogates)), Is.Empty, "no surrogate repeats a canary");
    }

    [Test]
    public async Task A_pan_surrogate_keeps_length_layout_and_last_four_and_fails_luhn()
    {
        var tenantId = await NewTenantAsync();
        var pans = Enumerable.Range(0, 20).Select(_ => Canary.Pan()).ToArray();

        var surrogates = (await TokenizeWithSurrogatesAsync(tenantId, [.. pans.Select(p => new TokenizeInput("PAN", p))])).Surrogates;

        Assert.That(pans.Zip(surrogates).Count(p => p.Second.Length != p.First.Length), Is.Zero, "same length");
        Assert.That(pans.Zip(surrogates).Count(p => !Layout(p.First).Equals(Layout(p.Second), StringComparison.Ordinal)), Is.Zero, "same layout");
        Assert.That(pans.Zip(surrogates).Count(p => !p.First[^4..].Equals(p.Second[^4..], StringComparison.Ordinal)), Is.Zero, "same last four");
        Assert.That(surrogates.Count(LuhnValid), Is.Zero, "no surrogate passes Luhn");
        Assert.That(pans.Count(LuhnValid), Is.EqualTo(pans.Length), "the canaries do");
        Assert.That(surrogates.Distinct().Count(), Is.EqualTo(pans.Length));

        static string Layout(string text) => new([.. text.Select(c => char.IsAsciiDigit(c) ? '9' : c)]);
    }

    [Test]
    public async Task A_value_gets_the_same_surrogate_across_calls_and_replicas_and_each_spelling_its_own()
    {
        var tenantId = await NewTenantAsync();
        var ssn = Canary.Ssn();
        var spaced = ssn.Replace('-', ' ');
        await using var replicaB = await Backend.OpenReplicaAsync();

        var first = await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("SSN", ssn), new TokenizeInput("SSN", spaced), new TokenizeInput("SSN", ssn));
        var again = await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("SSN", spaced), new TokenizeInput("SSN", ssn));
        var onB = await replicaB.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new TokenizeInput("SSN", ssn)], surrogates: true);

        Assert.That(first.Surrogates[2], Is.EqualTo(first.Surrogates[0]), "a repeat in the batch");
        Assert.That(first.Surrogates[1], Is.Not.EqualTo(first.Surrogates[0]), "another spelling, another surrogate (its layout)");
        Assert.That(again.Surrogates, Is.EqualTo(new[] { first.Surrogates[1], first.Surrogates[0] }));
        Assert.That(onB.Surrogates.Single(), Is.EqualTo(first.Surrogates[0]));
        var resolved = await ResolveSurrogatesAsync(tenantId, first.Surrogates[0], first.Surrogates[1]);
        Assert.That(resolved.Surrogates.Select(r => r.Value).SequenceEqual([ssn, spaced]), Is.True, "each spelling comes back as written");
        Assert.That(resolved.Surrogates.Select(r => r.Token), Is.EqualTo(first.Tokens.Take(2)));
    }

    [Test]
    public async Task Concurrent_callers_on_two_replicas_agree_on_one_surrogate_per_value_and_no_two_values_share_one()
    {
        var tenantId = await NewTenantAsync();
        await using var replicaB = await Backend.OpenReplicaAsync();
        TokenizeInput[] items =
        [
            .. Enumerable.Range(0, 20).Select(_ => new TokenizeInput("PERSON", Canary.Person())),
            .. Enumerable.Range(0, 20).Select(_ => new TokenizeInput("SSN", Canary.Ssn())),
            .. Enumerable.Range(0, 10).Select(_ => new TokenizeInput("PAN", Canary.Pan())),
        ];
        var tokenized = await Task.WhenAll(Enumerable.Range(0, 8).Select(n => Task.Run(() =>
            (n % 2 == 0 ? Vault : replicaB).Pseudonyms.TokenizeAsync(Tokenizer, tenantId, n % 3 == 0 ? [.. items.Reverse()] : items, surrogates: true))));

        var inOrder = tokenized.Select((t, n) => n % 3 == 0 ? t.Surrogates.Reverse().ToArray() : t.Surrogates.ToArray()).ToArray();
        Assert.That(inOrder.Count(s => !s.SequenceEqual(inOrder[0])), Is.Zero, "every caller got the same surrogates");
        Assert.That(inOrder[0].Distinct(StringComparer.OrdinalIgnoreCase).Count(), Is.EqualTo(items.Length), "no two values share one");
        Assert.That(await Backend.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE tenant_id = @TenantId AND surrogate_fp IS NOT NULL", new { TenantId = tenantId }), Is.EqualTo(items.Length));
        var resolved = await ResolveSurrogatesAsync(tenantId, inOrder[0]);
        Assert.That(resolved.Surrogates.Select(r => r.Value).SequenceEqual(items.Select(i => i.Value)), Is.True);
    }

    [Test]
    public async Task A_surrogate_another_row_holds_makes_the_value_take_its_next_attempt()
    {
        var tenantId = await NewTenantAsync();
        var holder = Canary.Ssn();
        var value = Canary.Ssn();
        var tokens = await TokenizeAsync(tenantId, "SSN", holder, value);
        var (attempt0, attempt1) = await SurrogatesOfAsync(tenantId, "SSN", tokens[1], value);
        // Plant attempt 0 of the value on the holder's row, as if the holder's own surrogate had come out the same.
        await Backend.ExecuteAsync(
            "UPDATE tokens SET surrogate_fp = @Fp, surrogate_attempt = 0 WHERE tenant_id = @TenantId AND token_id = @TokenId",
            new { Fp = await SurrogateFingerprintAsync(tenantId, attempt0), TenantId = tenantId, TokenId = tokens[0][5..^1] });

        var surrogate = (await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("SSN", value))).Surrogates.Single();
        var again = (await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("SSN", value))).Surrogates.Single();

        Assert.That(surrogate, Is.EqualTo(attempt1), "attempt 0 was taken");
        Assert.That(again, Is.EqualTo(surrogate), "and the attempt is remembered");
        var resolved = await ResolveSurrogatesAsync(tenantId, attempt0, attempt1);
        Assert.That(resolved.Surrogates.Select(r => r.Token), Is.EqualTo(tokens), "each surrogate resolves to its own row");
    }

    [Test]
    public async Task Detokenize_by_surrogate_finds_nothing_for_other_tenants_real_values_or_strangers_and_audits_counts_only()
    {
        var tenantId = await NewTenantAsync();
        var otherTenant = await NewTenantAsync();
        var pan = Canary.Pan();
        var person = Canary.Person();
        var mine = (await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("PAN", pan), new TokenizeInput("PERSON", person))).Surrogates;
        await TokenizeWithSurrogatesAsync(otherTenant, new TokenizeInput("PAN", Canary.Pan()));
        var before = (await ChainAsync(otherTenant)).Count;

        var inOther = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, otherTenant, [], [mine[0], mine[1], pan, person, mine[1].ToUpperInvariant(), string.Empty, "\ud800"], context: null);
        var inMine = await ResolveSurrogatesAsync(tenantId, pan, person, mine[1].ToUpperInvariant(), mine[0]);

        Assert.That(inOther.Surrogates.Select(r => r.Found), Has.All.False, "another tenant's surrogates and real values are not found");
        Assert.That(inOther.Surrogates.Select(r => (r.Value + r.Token + r.EntityType).Length), Has.All.Zero);
        Assert.That(inMine.Surrogates.Select(r => r.Found), Is.EqualTo(new[] { false, false, true, true }), "a real value is no surrogate; case does not matter");
        var record = (await AppendedAsync(otherTenant, before)).Single();
        Assert.That(record.DetailJson, Is.EqualTo("""{"found":0,"items":0,"malformed":2,"not_found":5,"surrogates":7,"types":{}}"""));
    }

    [Test]
    public async Task The_batch_limit_counts_tokens_and_surrogates_together()
    {
        var tenantId = await NewTenantAsync();
        var limit = Vault.Runtime.Options.MaxBatchSize;

        var refusal = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [.. Enumerable.Repeat("[PAN_0000000000]", limit / 2 + 1)], [.. Enumerable.Repeat("4000 0000 0000 0005", limit / 2)], context: null));

        Assert.That(refusal.Kind, Is.EqualTo(VaultErrorKind.InvalidArgument));
    }

    [Test]
    public async Task The_kill_switch_stops_surrogates_both_ways_and_enabling_brings_them_back()
    {
        var tenantId = await NewTenantAsync();
        var surrogate = (await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("PERSON", Canary.Person()))).Surrogates.Single();

        await Vault.Keys.DisableAsync(Admin, tenantId);
        var resolve = Refusal(() => ResolveSurrogatesAsync(tenantId, surrogate));
        var create = Refusal(() => TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("PERSON", Canary.Person())));
        await Vault.Keys.EnableAsync(Admin, tenantId);

        Assert.That((resolve.Kind, create.Kind), Is.EqualTo((VaultErrorKind.FailedPrecondition, VaultErrorKind.FailedPrecondition)));
        Assert.That(resolve.Message.Contains(surrogate, StringComparison.Ordinal), Is.False);
        Assert.That((await ResolveSurrogatesAsync(tenantId, surrogate)).Surrogates.Single().Found, Is.True);
    }

    [Test]
    public async Task Destroying_the_tenant_makes_its_surrogates_unresolvable()
    {
        var tenantId = await NewTenantAsync();
        var surrogate = (await TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("SSN", Canary.Ssn()))).Surrogates.Single();
        await Vault.Keys.ApproveDestroyAsync(Admin, tenantId, "erase-1");
        await Vault.Keys.ApproveDestroyAsync(OtherAdmin, tenantId, "erase-1");
        await Vault.Keys.DestroyAsync(Admin, tenantId, "erase-1");

        Assert.That(Refusal(() => ResolveSurrogatesAsync(tenantId, surrogate)).Kind, Is.EqualTo(VaultErrorKind.FailedPrecondition));
        Assert.That(Refusal(() => TokenizeWithSurrogatesAsync(tenantId, new TokenizeInput("SSN", Canary.Ssn()))).Kind, Is.EqualTo(VaultErrorKind.FailedPrecondition));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.Zero);
    }

    [Test]
    public async Task Erasure_and_expiry_remove_surrogate_mappings_and_the_tokenize_audit_counts_surrogates()
    {
        var clock = new ManualClock();
        await using var vault = await Backend.OpenReplicaAsync(time: clock);
        var tenantId = NewTenantId();
        await vault.Keys.CreateTenantAsync(Admin, tenantId);
        var subject = Canary.Subject();
        TokenizeInput[] items =
        [
            new("PERSON", Canary.Person(), subject),
            new("PAN", Canary.Pan(), Ttl: TimeSpan.FromMinutes(1)),
            new("SSN", Canary.Ssn()),
            new("EMAIL", Canary.Email()),
        ];
        var before = (await ChainAsync(tenantId)).Count;
        var surrogates = (await vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items, surrogates: true)).Surrogates;
        Assert.That((await AppendedAsync(tenantId, before)).Single().DetailJson, Does.Contain("\"surrogates\":3"), "the record counts the items that get a surrogate (an upper bound, written before any row)");

        await vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, subject);
        clock.Now += TimeSpan.FromMinutes(2);
        var afterBoth = await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [], [.. surrogates.Take(3)], context: null);
        await vault.Runtime.RunMaintenanceOnceAsync();

        Assert.That(afterBoth.Surrogates.Select(r => r.Found), Is.EqualTo(new[] { false, false, true }), "erased and expired mappings are not found");
        Assert.That(await Backend.ScalarAsync<long>("SELECT count(*) FROM tokens WHERE tenant_id = @TenantId AND surrogate_fp IS NOT NULL", new { TenantId = tenantId }), Is.EqualTo(1), "erasure and purge took the mappings with the rows");
        var dump = await Backend.DumpAsync();
        Assert.That(surrogates.Where(s => s.Length > 0).Count(s => dump.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0), Is.Zero, "no surrogate is stored in clear");
    }

    /// <summary>Attempts 0 and 1 of a value's surrogate, made with the tenant's keys as the vault makes them.</summary>
    private async Task<(string Attempt0, string Attempt1)> SurrogatesOfAsync(string tenantId, string entityType, string token, string value)
    {
        var keys = await Vault.Runtime.Keyring.AcquireAsync(tenantId, CancellationToken.None);
        try
        {
            var key = token[(entityType.Length + 2)..^1];
            return (VaultSurrogates.Make(keys.SurrogateKey, tenantId, entityType, key, 0, value)!, VaultSurrogates.Make(keys.SurrogateKey, tenantId, entityType, key, 1, value)!);
        }
        finally
        {
            keys.Release();
        }
    }

    private async Task<byte[]> SurrogateFingerprintAsync(string tenantId, string surrogate)
    {
        var keys = await Vault.Runtime.Keyring.AcquireAsync(tenantId, CancellationToken.None);
        try
        {
            return Fingerprint.Surrogate(keys.FingerprintKey, surrogate);
        }
        finally
        {
            keys.Release();
        }
    }

    private static bool LuhnValid(string text)
    {
        var digits = text.Where(char.IsAsciiDigit).Select(c => c - '0').Reverse().ToArray();
        return digits.Select((d, i) => i % 2 == 0 ? d : (2 * d) - (d >= 5 ? 9 : 0)).Sum() % 10 == 0;
    }
}
