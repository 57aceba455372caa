using System.Text;
using NUnit.Framework;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    /// <summary>What someone with write access to the tokens table does to a row.</summary>
    public enum RowTamper
    {
        CiphertextCopiedFromAnotherRow,
        CiphertextCopiedFromAnotherTenantsRow,
        RowMovedToAnotherTenant,
        EntityTypeChanged,
        OneCiphertextByteFlipped,
        DekVersionRelabelled,
    }

    [Test]
    public async Task A_tampered_row_fails_its_integrity_check_and_its_batch_returns_no_value([Values] RowTamper tamper)
    {
        var tenantId = await NewTenantAsync();
        var otherTenant = await NewTenantAsync();
        var tokens = await TokenizeAsync(tenantId, "PERSON", Canary.Person(), Canary.Person());
        var victim = IdOf(tokens[0]);
        var donor = IdOf(tokens[1]);
        var othersDonor = IdOf(await TokenizeOneAsync(otherTenant, "PERSON", Canary.Person()));
        var (readIn, readToken) = (tenantId, tokens[0]);
        var row = new { TenantId = tenantId, Victim = victim, OtherTenant = otherTenant };

        switch (tamper)
        {
            case RowTamper.CiphertextCopiedFromAnotherRow:
                await Backend.CopyCiphertextAsync(tenantId, donor, tenantId, victim);
                break;
            case RowTamper.CiphertextCopiedFromAnotherTenantsRow:
                await Backend.CopyCiphertextAsync(otherTenant, othersDonor, tenantId, victim);
                break;
            case RowTamper.RowMovedToAnotherTenant:
                Assert.That(await Backend.ExecuteAsync("UPDATE tokens SET tenant_id = @OtherTenant WHERE tenant_id = @TenantId AND token_id = @Victim", row), Is.EqualTo(1));
                readIn = otherTenant;
                break;
            case RowTamper.EntityTypeChanged:
                Assert.That(await Backend.ExecuteAsync("UPDATE tokens SET entity_type = 'ADDRESS' WHERE tenant_id = @TenantId AND token_id = @Victim", row), Is.EqualTo(1));
                readToken = $"[ADDRESS_{victim}]";
                break;
            case RowTamper.OneCiphertextByteFlipped:
                var ciphertext = await Backend.ScalarAsync<byte[]>("SELECT ciphertext FROM tokens WHERE tenant_id = @TenantId AND token_id = @Victim", row);
                ciphertext[^1] ^= 0x01;
                Assert.That(await Backend.ExecuteAsync("UPDATE tokens SET ciphertext = @Ciphertext WHERE tenant_id = @TenantId AND token_id = @Victim", new { TenantId = tenantId, Victim = victim, Ciphertext = ciphertext }), Is.EqualTo(1));
                break;
            case RowTamper.DekVersionRelabelled:
                await Vault.Keys.RotateDekAsync(Admin, tenantId);
                Assert.That(await Backend.ExecuteAsync("UPDATE tokens SET dek_version = 2 WHERE tenant_id = @TenantId AND token_id = @Victim", row), Is.EqualTo(1));
                break;
        }

        var bystander = await TokenizeOneAsync(readIn, "EMAIL", Canary.Email());
        var before = (await ChainAsync(readIn)).Count;

        var alone = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, readIn, [readToken]));
        var inBatch = Refusal(() => Vault.Pseudonyms.DetokenizeAsync(Detokenizer, readIn, [bystander, readToken]));

        Assert.That(new[] { alone, inBatch }.Select(r => (r.Kind, r.Reason)), Has.All.EqualTo((VaultErrorKind.FailedPrecondition, "integrity_check_failed")));
        Assert.That(Canary.FoundIn(alone.ToString() + inBatch.ToString()), Is.Empty);
        Assert.That((await AppendedAsync(readIn, before)).Select(r => r.Outcome), Is.EqualTo(new[] { "refused:integrity_check_failed", "refused:integrity_check_failed" }));
        Assert.That(await DetokenizeAsync(tenantId, tokens[1]), Is.Not.EqualTo(new string?[] { null }), "the donor row is untouched");
        Assert.That(await DetokenizeAsync(readIn, bystander), Is.Not.EqualTo(new string?[] { null }), "other rows still open");
    }

    [Test]
    public async Task A_dump_of_the_database_after_every_kind_of_operation_holds_no_value_in_any_encoding()
    {
        var tenantId = await NewTenantAsync();
        var subject = Canary.Subject();
        TokenizeInput[] items =
        [
            new("PAN", Canary.Pan(), subject),
            new("PERSON", Canary.Person(), subject),
            new("EMAIL", Canary.Email()),
            new("SSN", Canary.Ssn(), Ttl: TimeSpan.FromDays(1)),
            new("MRN", Canary.Mrn()),
        ];
        var tokens = await Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, items);
        Canaries.AssertSameValues(await DetokenizeAsync(tenantId, [.. tokens]), items.Select(i => i.Value));
        await Vault.Keys.RotateDekAsync(Admin, tenantId);
        var later = await TokenizeOneAsync(tenantId, "PERSON", Canary.Person());
        await Vault.Runtime.RunMaintenanceOnceAsync();
        await Vault.Keys.RotateKekAsync(Admin, tenantId);
        Refusal(() => Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("PAN", Canary.Pan()), new("CVV", Canary.Text("cvv"))]));
        Refusal(() => Vault.Pseudonyms.TokenizeAsync(Tokenizer, tenantId, [new("FAVOURITE_COLOUR", Canary.Text("colour"))]));
        await Vault.Pseudonyms.EraseSubjectAsync(Eraser, tenantId, Canary.Subject());
        await Vault.Audit.VerifyAsync(Auditor, tenantId);

        var dump = await Backend.DumpAsync();

        Assert.That(dump.AsSpan().IndexOf(Encoding.UTF8.GetBytes(IdOf(later))), Is.GreaterThanOrEqualTo(0), "the dump holds the rows");
        Assert.That(Canary.Needles, Has.Count.GreaterThanOrEqualTo(10));
        Assert.That(Canary.FoundIn(dump), Is.Empty);
    }

    private static string IdOf(string token) => TokenGrammar.Match(token).Groups["id"].Value;
}
