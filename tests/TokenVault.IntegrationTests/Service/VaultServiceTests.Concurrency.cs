using System.Globalization;
using System.Security.Cryptography;
using NUnit.Framework;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.TokenVault.IntegrationTests.Service;

public abstract partial class VaultServiceTests
{
    [Test]
    public async Task Sixty_four_callers_on_two_replicas_tokenizing_the_same_thousand_values_make_exactly_a_thousand_tokens()
    {
        const int Callers = 64;
        const int Batch = 100;
        var tenantId = await NewTenantAsync();
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var values = Enumerable.Range(0, 1000).Select(i => string.Create(CultureInfo.InvariantCulture, $"Synthetic Person {run} {i}")).ToArray();
        await using var replicaB = await Backend.OpenReplicaAsync();
        Replica[] replicas = [Vault, replicaB];
        using var start = new SemaphoreSlim(0);

        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            var order = values.ToArray();
            RandomNumberGenerator.Shuffle(order.AsSpan());
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            await start.WaitAsync();
            foreach (var batch in order.Chunk(Batch))
            {
                var tokens = await replicas[caller % 2].Pseudonyms.TokenizeAsync(Tokenizer, tenantId, batch.Select(v => new TokenizeInput("PERSON", v)).ToArray());
                for (var i = 0; i < batch.Length; i++)
                {
                    seen[batch[i]] = tokens[i];
                }
            }

            return seen;
        })).ToArray();
        start.Release(Callers);
        var seenByCaller = await Task.WhenAll(callers);

        var first = seenByCaller[0];
        Assert.That(first, Has.Count.EqualTo(values.Length));
        Assert.That(first.Values.Distinct().Count(), Is.EqualTo(values.Length), "one token per value");
        Assert.That(seenByCaller.Count(seen => values.All(v => seen[v] == first[v])), Is.EqualTo(Callers), "every caller saw the same token for every value");
        Assert.That(await Backend.TokenRowsAsync(tenantId), Is.EqualTo(values.Length));
        var check = await Vault.Pseudonyms.DetokenizeAsync(Detokenizer, tenantId, values.Select(v => first[v]).ToArray());
        Canaries.AssertSameValues(check.Select(r => r.Value), values);
        var chain = await ChainAsync(tenantId);
        Assert.That(chain.Count(r => r.Action == "tokenize"), Is.EqualTo(Callers * values.Length / Batch));
        Assert.That(Audit.AuditVerifier.Verify(chain).IsIntact, Is.True, "concurrent appends from two replicas never fork the chain");
    }
}
