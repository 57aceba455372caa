using NUnit.Framework;
using PrivateInference.TokenVault.Audit;
using PrivateInference.TokenVault.Lifecycle;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    /// <summary>Reasons a disable or enable refuses: too long, control characters, beyond printable ASCII.</summary>
    public enum BadReason
    {
        TooLong,
        NewLine,
        Escape,
        NonAscii,
        BidiOverride,
    }

    [Test]
    public async Task The_reason_of_a_disable_and_an_enable_is_recorded_in_intent_and_outcome()
    {
        var tenantId = await NewTenantAsync();
        var before = (await ChainAsync(tenantId)).Count;
        var longest = new string('x', KeyAdministration.MaxReasonLength);

        await Vault.Keys.DisableAsync(Admin, tenantId, "INC-42: suspected key exposure, see ticket");
        await Vault.Keys.EnableAsync(Admin, tenantId, longest);
        await Vault.Keys.DisableAsync(Admin, tenantId, string.Empty);

        var records = await AppendedAsync(tenantId, before);
        Assert.That(records.Select(r => (r.Action, r.Outcome)), Is.EqualTo(new[]
        {
            ("kek.disable", AuditOutcome.Started), ("kek.disable", "ok"),
            ("kek.enable", AuditOutcome.Started), ("kek.enable", "ok"),
            ("kek.disable", AuditOutcome.Started), ("kek.disable", "ok"),
        }));
        Assert.That(records[0].DetailJson, Is.EqualTo("""{"reason":"INC-42: suspected key exposure, see ticket"}"""));
        Assert.That(records[1].DetailJson, Does.StartWith("""{"intent_seq":""").And.EndWith(""","kek_version":1,"reason":"INC-42: suspected key exposure, see ticket"}"""));
        Assert.That(records[2].DetailJson, Is.EqualTo($$"""{"reason":"{{longest}}"}"""));
        Assert.That(records[4].DetailJson, Is.EqualTo("{}"), "no reason, no field");
        AssertEveryIntentHasItsOutcome(await ChainAsync(tenantId));
    }

    [TestCase(BadReason.TooLong)]
    [TestCase(BadReason.NewLine)]
    [TestCase(BadReason.Escape)]
    [TestCase(BadReason.NonAscii)]
    [TestCase(BadReason.BidiOverride)]
    public async Task A_reason_of_the_wrong_shape_is_refused_invalid_argument_naming_the_field_never_echoing_it(BadReason bad)
    {
        var tenantId = await NewTenantAsync();
        var marker = Canary.Text("reason");
        var reason = bad switch
        {
            BadReason.TooLong => marker + new string('x', KeyAdministration.MaxReasonLength),
            BadReason.NewLine => marker + "\nforged: ok",
            BadReason.Escape => marker + "\u001b[2J",
            BadReason.NonAscii => marker + " é",
            _ => marker + "\u202e",
        };
        var before = (await ChainAsync(tenantId)).Count;

        var disable = Refusal(() => Vault.Keys.DisableAsync(Admin, tenantId, reason));
        var enable = Refusal(() => Vault.Keys.EnableAsync(Admin, tenantId, reason));

        Assert.That(new[] { disable, enable }.Select(r => (r.Kind, r.Reason)), Has.All.EqualTo((VaultErrorKind.InvalidArgument, "invalid_reason")));
        Assert.That(disable.Message.StartsWith("reason ", StringComparison.Ordinal), Is.True, "the message names the field");
        Assert.That(Canary.FoundIn(disable.ToString() + enable.ToString()), Is.Empty, "and never echoes it");
        Assert.That((await Vault.Store.GetTenantAsync(tenantId))!.State, Is.EqualTo(TenantState.Active), "nothing changed");
        var records = await AppendedAsync(tenantId, before);
        Assert.That(records.Select(r => (r.Action, r.Outcome, r.DetailJson)), Is.EqualTo(new[]
        {
            ("kek.disable", "refused:invalid_reason", "{}"),
            ("kek.enable", "refused:invalid_reason", "{}"),
        }), "refusals recorded, without the reason");
    }
}
