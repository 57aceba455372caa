using System.Text.RegularExpressions;
using NUnit.Framework;
using PrivateInference.TokenVault.Pseudonymization;
using PrivateInference.TokenVault.Tests.Keys;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    /// <summary>[TYPE_ID]: a vaulted type and 10 characters of Crockford base32 (no I, L, O, U).</summary>
    private static readonly Regex TokenGrammar = new(@"^\[(?<type>[A-Z][A-Z0-9_]{0,31})_(?<id>[0-9A-HJKMNP-TV-Z]{10})\]\z", RegexOptions.CultureInvariant);

    /// <summary>[TYPE_ID-SP]: a later spelling of the value of [TYPE_ID].</summary>
    private static readonly Regex SpellingGrammar = new(@"^\[(?<type>[A-Z][A-Z0-9_]{0,31})_(?<id>[0-9A-HJKMNP-TV-Z]{10})-(?<mark>[0-9A-HJKMNP-TV-Z]{2})\]\z", RegexOptions.CultureInvariant);

    /// <summary>Two spellings of one value that normalization makes one (synthetic values, tenant of the test's own).</summary>
    private static IEnumerable<TestCaseData> Spellings()
    {
        yield return new TestCaseData("PAN", "4000 0012 3456 7899", "4000-0012-3456-7899").SetArgDisplayNames("card number, spaces and dashes");
        yield return new TestCaseData("PAN", "4000 0012 3456 7899", "4000001234567899").SetArgDisplayNames("card number, spaces and none");
        yield return new TestCaseData("PERSON", "Jane  Q.  DOE", " jane q. doe ").SetArgDisplayNames("name, case and white space");
        yield return new TestCaseData("SSN", "900-12-3456", "900 12 3456").SetArgDisplayNames("SSN separators");
        yield return new TestCaseData("MRN", "mrn-00123 45", "MRN0012345").SetArgDisplayNames("record number, case and separators");
        yield return new TestCaseData("EMAIL", "Jane.Doe@Example.INVALID", "jane.doe@example.invalid ").SetArgDisplayNames("e-mail case");
        yield return new TestCaseData("PHONE", "+1 (555) 010-0199", "15550100199").SetArgDisplayNames("phone punctuation");
    }

    [Test]
    public async Task The_same_value_gets_the_same_token_across_calls_and_across_replicas()
    {
        var tenantId = await NewTenantAsync();
        var pan = Canary.Pan();
        await using var replicaB = await Backend.OpenReplicaAsync();

        var first = await TokenizeOneAsync(tenantId, "PAN", pan);
        var again = await TokenizeOneAsync(tenantId, "PAN", pan);
        var onB = (await replicaB.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", pan))).Single();

        Assert.That(again, Is.EqualTo(first));
        Assert.That(onB, Is.EqualTo(first));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(1));
        var resolvedOnB = await replicaB.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [first]);
        Canaries.AssertSameValue(resolvedOnB.Single().Value, pan);
    }

    [TestCaseSource(nameof(Spellings))]
    public async Task Two_spellings_of_one_value_share_one_id_and_each_comes_back_as_it_was_written(string entityType, string firstSpelling, string secondSpelling)
    {
        var tenantId = await NewTenantAsync();

        var first = await TokenizeOneAsync(tenantId, entityType, firstSpelling);
        var second = await TokenizeOneAsync(tenantId, entityType, secondSpelling);
        var firstAgain = await TokenizeOneAsync(tenantId, entityType, firstSpelling);
        var secondAgain = await TokenizeOneAsync(tenantId, entityType, secondSpelling);

        Assert.That(first, Does.Match(TokenGrammar), "the first spelling is the token without a mark");
        var marked = SpellingGrammar.Match(second);
        Assert.That(marked.Success, Is.True, "a later spelling carries a spelling mark");
        Assert.That(marked.Groups["type"].Value + "_" + marked.Groups["id"].Value, Is.EqualTo(first[1..^1]), "one value, one ID");
        Assert.That(firstAgain, Is.EqualTo(first));
        Assert.That(secondAgain, Is.EqualTo(second));
        Assert.That(await DetokenizeAsync(tenantId, first, second), Is.EqualTo(new[] { firstSpelling, secondSpelling }));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(2));
    }

    [TestCaseSource(nameof(Spellings))]
    public async Task Two_spellings_in_one_batch_get_the_tokens_they_get_one_by_one(string entityType, string firstSpelling, string secondSpelling)
    {
        var tenantId = await NewTenantAsync();

        var batch = await TokenizeAsync(tenantId, entityType, firstSpelling, secondSpelling, firstSpelling, secondSpelling);
        var single = await TokenizeOneAsync(tenantId, entityType, secondSpelling);

        Assert.That(batch[0], Does.Match(TokenGrammar));
        Assert.That(batch[1], Does.Match(SpellingGrammar).And.StartWith(batch[0][..^1] + "-"));
        Assert.That(batch[2], Is.EqualTo(batch[0]));
        Assert.That(batch[3], Is.EqualTo(batch[1]));
        Assert.That(single, Is.EqualTo(batch[1]));
        Assert.That(await DetokenizeAsync(tenantId, batch[1], batch[0]), Is.EqualTo(new[] { secondSpelling, firstSpelling }));
    }

    [Test]
    public async Task Erasing_a_subject_erases_every_spelling_of_its_values()
    {
        var tenantId = await NewTenantAsync();
        var subject = Canary.Subject();
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId,
        [
            new TokenizeInput("PAN", "4000 0012 3456 7899", subject),
            new TokenizeInput("PAN", "4000-0012-3456-7899"),
            new TokenizeInput("PAN", "4000 0012 3456 7881"),
        ]);

        var erased = await Vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, subject);

        Assert.That(erased, Is.EqualTo(2));
        Assert.That(await DetokenizeAsync(tenantId, tokens[0], tokens[1], tokens[2]), Is.EqualTo(new[] { null, null, "4000 0012 3456 7881" }));
    }

    [Test]
    public async Task Values_that_differ_after_normalization_or_in_type_get_different_tokens()
    {
        var tenantId = await NewTenantAsync();

        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId,
        [
            new TokenizeInput("PERSON", "Jane Doe"),
            new TokenizeInput("PERSON", "Jane Doe Jr"),
            new TokenizeInput("ADDRESS", "Jane Doe"),
            new TokenizeInput("PAN", "4000 0012 3456 7899"),
            new TokenizeInput("PAN", "4000 0012 3456 7898"),
        ]);

        Assert.That(tokens, Is.Unique);
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(5));
    }

    [Test]
    public async Task Different_tenants_get_unrelated_tokens_for_one_value_and_cannot_read_each_others()
    {
        var tenantA = await NewTenantAsync();
        var tenantB = await NewTenantAsync();
        var name = Canary.Person();

        var tokenA = await TokenizeOneAsync(tenantA, "PERSON", name);
        var tokenB = await TokenizeOneAsync(tenantB, "PERSON", name);

        Assert.That(TokenGrammar.Match(tokenA).Groups["id"].Value, Is.Not.EqualTo(TokenGrammar.Match(tokenB).Groups["id"].Value));
        Assert.That(await DetokenizeAsync(tenantB, tokenA), Is.EqualTo(new string?[] { null }));
        Assert.That(await DetokenizeAsync(tenantA, tokenB), Is.EqualTo(new string?[] { null }));
        Assert.That(await DetokenizeAsync(tenantA, tokenA), Is.EqualTo(new[] { name }));
    }

    [TestCase("PAN")]
    [TestCase("PERSON")]
    [TestCase("ACCOUNT_NUMBER")]
    [TestCase("IP_ADDRESS")]
    public async Task A_token_is_the_type_and_ten_crockford_characters_in_brackets_and_not_derived_from_the_value(string entityType)
    {
        var tenantA = await NewTenantAsync();
        var tenantB = await NewTenantAsync();
        var values = Enumerable.Range(0, 50).Select(i => $"{Canary.Text("grammar")} {i}").ToArray();

        var tokens = await TokenizeAsync(tenantA, entityType, values);
        var sameValuesElsewhere = await TokenizeAsync(tenantB, entityType, values);

        Assert.That(tokens, Has.All.Matches(TokenGrammar));
        Assert.That(tokens.Select(t => TokenGrammar.Match(t).Groups["type"].Value), Has.All.EqualTo(entityType));
        Assert.That(tokens, Is.Unique);
        Assert.That(tokens.Intersect(sameValuesElsewhere), Is.Empty, "IDs are random, not a function of the value");
    }

    [Test]
    public async Task A_batch_with_repeats_gets_one_token_per_distinct_value_in_input_order()
    {
        var tenantId = await NewTenantAsync();
        var a = Canary.Pan();
        var b = Canary.Person();
        var before = (await ChainAsync(tenantId)).Count;

        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId,
        [
            new TokenizeInput("PAN", a),
            new TokenizeInput("PERSON", b),
            new TokenizeInput("PAN", a.Replace(' ', '-')),
            new TokenizeInput("PERSON", b.ToUpperInvariant()),
            new TokenizeInput("PAN", a),
        ]);

        Assert.That(tokens[2], Does.StartWith(tokens[0][..^1] + "-"), "another spelling of the same card: its ID and a spelling mark");
        Assert.That(tokens[4], Is.EqualTo(tokens[0]));
        Assert.That(tokens[3], Does.StartWith(tokens[1][..^1] + "-"));
        Assert.That(tokens[1], Is.Not.EqualTo(tokens[0]));
        Assert.That(tokens[0], Does.StartWith("[PAN_"));
        Assert.That(tokens[1], Does.StartWith("[PERSON_"));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(4), "two values, each in two spellings");
        Assert.That(await DetokenizeAsync(tenantId, [.. tokens]), Is.EqualTo(new[] { a, b, a.Replace(' ', '-'), b.ToUpperInvariant(), a }));

        var record = (await AppendedAsync(tenantId, before))[0];
        Assert.That((record.Action, record.Outcome, record.Actor), Is.EqualTo(("tokenize", "ok", Tokenizer.Subject)));
        Assert.That(record.DetailJson, Is.EqualTo("""{"created":4,"dek_version":1,"items":5,"types":{"PAN":3,"PERSON":2}}"""));
    }

    [Test]
    public async Task Unknown_malformed_mistyped_and_other_tenants_tokens_are_not_found_and_counted_as_such()
    {
        var tenantId = await NewTenantAsync();
        var otherTenant = await NewTenantAsync();
        var pan = Canary.Pan();
        var token = await TokenizeOneAsync(tenantId, "PAN", pan);
        var othersToken = await TokenizeOneAsync(otherTenant, "PAN", Canary.Pan());
        var id = TokenGrammar.Match(token).Groups["id"].Value;
        var before = (await ChainAsync(tenantId)).Count;

        var results = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId,
        [
            token,
            "[PAN_0000000000]",
            $"[PERSON_{id}]",
            othersToken,
            "[PAN_123]",
            "not a token",
            string.Empty,
            $"[PAN_{id}",
            new string('A', 100),
            token.ToLowerInvariant().Trim('[', ']'),
        ]);

        Assert.That(results.Select(r => r.Found), Is.EqualTo(new[] { true, false, false, false, false, false, false, false, false, true }));
        Canaries.AssertSameValue(results[0].Value, pan);
        Canaries.AssertSameValue(results[9].Value, pan, "a token a model reproduced in lower case without brackets");
        Assert.That(results.Where(r => !r.Found).Select(r => r.Value), Has.All.Empty);
        var record = (await AppendedAsync(tenantId, before)).Single();
        Assert.That(record.DetailJson, Is.EqualTo("""{"found":2,"items":10,"malformed":5,"not_found":3,"types":{"PAN":2}}"""));
    }

    [Test]
    public async Task An_expired_token_is_never_returned_and_the_purge_deletes_it()
    {
        var clock = new ManualClock();
        await using var vault = await Backend.OpenReplicaAsync(time: clock);
        var tenantId = NewTenantId();
        await vault.Keys.CreateTenantAsync(Admin, tenantId);
        var shortLived = Canary.Pan();
        var kept = Canary.Pan();
        var tokens = await vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId,
            [new TokenizeInput("PAN", shortLived, Ttl: TimeSpan.FromMinutes(1)), new TokenizeInput("PAN", kept)]);
        Assert.That((await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens)).Select(r => r.Found), Is.EqualTo(new[] { true, true }));

        clock.Now += TimeSpan.FromMinutes(2);

        var afterExpiry = await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, tokens);
        Assert.That(afterExpiry.Select(r => r.Found), Is.EqualTo(new[] { false, true }));
        Assert.That(afterExpiry[0].Value, Is.Empty);
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(2), "expired, not yet purged");

        await vault.Runtime.RunMaintenanceOnceAsync();

        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(1));
        var purge = (await ChainAsync(tenantId)).Last(r => r.Action == "token.purge_expired");
        Assert.That((purge.Outcome, purge.DetailJson), Is.EqualTo(("ok", """{"rows":1}""")));
        var fresh = (await vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, Items("PAN", shortLived))).Single();
        Assert.That(fresh, Is.Not.EqualTo(tokens[0]), "a value seen again after expiry gets a new token");
        Assert.That((await vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, [tokens[0], fresh])).Select(r => r.Found), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public async Task Erasing_a_subject_deletes_its_mappings_only_and_records_how_many()
    {
        var tenantId = await NewTenantAsync();
        var subject = Canary.Subject();
        var otherSubject = Canary.Subject();
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId,
        [
            new TokenizeInput("PERSON", Canary.Person(), subject),
            new TokenizeInput("MRN", Canary.Mrn(), subject),
            new TokenizeInput("PERSON", Canary.Person(), otherSubject),
            new TokenizeInput("EMAIL", Canary.Email()),
        ]);

        var erased = await Vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, subject);

        Assert.That(erased, Is.EqualTo(2));
        Assert.That((await DetokenizeAsync(tenantId, [.. tokens])).Select(v => v is not null), Is.EqualTo(new[] { false, false, true, true }));
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(2));
        Assert.That(await Vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, subject), Is.Zero, "nothing left to erase");
        var erasures = (await ChainAsync(tenantId)).Where(r => r.Action == "subject.erase").Select(r => (r.Actor, r.Outcome, r.DetailJson));
        Assert.That(erasures, Is.EqualTo(new[] { (Eraser.Subject, "ok", """{"erased":2}"""), (Eraser.Subject, "ok", """{"erased":0}""") }));
        Assert.That(Canary.FoundIn(await Backend.DumpAsync()), Is.Empty, "the subject reference is stored keyed, never as given");
    }
}
