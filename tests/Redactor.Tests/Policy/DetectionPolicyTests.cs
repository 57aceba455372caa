using System.Text;
using PrivateInference.Redactor.Policy;

namespace PrivateInference.Redactor.Tests.Policy;

/// <summary>Per-tenant detection policy: requests narrow it, never widen it; bad files do not load.</summary>
public sealed class DetectionPolicyTests
{
    private const string Document = """
        {
          // comments are allowed
          "default": { "minConfidence": 0.6 },
          "tenants": {
            "acme-payments": { "types": ["PAN", "CVV", "EXPIRY"], "minConfidence": 0.5 }
          }
        }
        """;

    private static DetectionPolicy Parse(string json) => DetectionPolicy.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Test]
    public void A_tenant_gets_its_own_types()
    {
        var options = Parse(Document).For("acme-payments", requested: null, requestedMinConfidence: 0);

        Assert.That(options.Types, Is.EquivalentTo(new[] { EntityType.Pan, EntityType.Cvv, EntityType.Expiry }));
        Assert.That(options.MinConfidence, Is.EqualTo(0.5));
    }

    [Test]
    public void A_request_narrows_the_tenant_policy_and_cannot_widen_it()
    {
        var requested = new HashSet<EntityType> { EntityType.Pan, EntityType.Date };

        var options = Parse(Document).For("acme-payments", requested, requestedMinConfidence: 0);

        Assert.That(options.Types, Is.EquivalentTo(new[] { EntityType.Pan }));
    }

    [Test]
    public void A_request_may_raise_the_confidence_but_not_lower_it()
    {
        var policy = Parse(Document);

        Assert.That(policy.For("acme-payments", null, 0.9).MinConfidence, Is.EqualTo(0.9));
        Assert.That(policy.For("acme-payments", null, 0.1).MinConfidence, Is.EqualTo(0.5));
    }

    [Test]
    public void An_unknown_tenant_gets_the_default_entry_with_every_type()
    {
        var options = Parse(Document).For("someone-else", null, 0);

        Assert.That(options.Types, Is.Null);
        Assert.That(options.MinConfidence, Is.EqualTo(0.6));
    }

    [Test]
    public void Without_a_policy_every_type_is_detected_at_the_default_confidence()
    {
        var options = DetectionPolicy.Everything.For("any", null, 0);

        Assert.That(options.Types, Is.Null);
        Assert.That(options.MinConfidence, Is.EqualTo(ScanOptions.DefaultMinConfidence));
    }

    [Test]
    public void A_payments_tenant_policy_leaves_dates_and_names_alone()
    {
        var options = Parse(Document).For("acme-payments", null, 0);
        const string text = "Jane Doe paid with card 4111 1111 1111 1111 on 03/14/2024, CVV 123.";

        var found = DetectionEngine.Default.Scan(text, options).Select(e => e.Type);

        Assert.That(found, Is.EqualTo(new[] { EntityType.Pan, EntityType.Cvv }));
    }

    [TestCase("""{"tenants":{"t":{"types":["PANN"]}}}""", "tenants.t.types")]
    [TestCase("""{"default":{"minConfidence":1.5}}""", "default.minConfidence")]
    [TestCase("""{"tenants":{"t":{"type":["PAN"]}}}""", "not valid JSON")]
    [TestCase("""{"tenants":""", "not valid JSON")]
    public void A_bad_policy_does_not_load_and_says_what_is_wrong(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(json));

        Assert.That(ex!.Message, Does.Contain(expected));
    }
}
