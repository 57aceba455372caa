using System.CommandLine;
using PrivateInference.Cli.Output;
using PrivateInference.TokenVault.Pseudonymization;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi tokenize --tenant T --type TYPE</c> and <c>pi detokenize --tenant T</c>: values or tokens on stdin,
/// one per line; tokens or values on stdout, line for line.</summary>
internal static class TokenizeCommands
{
    private const int Batch = 1000;

    public static Command Tokenize()
    {
        var tenant = TenantOption();
        var type = new Option<string>("--type") { Description = "Entity type of every value, e.g. PAN, PERSON, MRN", Required = true };
        var ttl = new Option<TimeSpan?>("--ttl") { Description = "Tokens stop resolving after this long (e.g. 30.00:00:00)" };
        var subject = new Option<string?>("--subject") { Description = "Data subject reference recorded with every value (for erasure)" };
        var command = new Command("tokenize", "Values on stdin (one per line) → tokens on stdout; the same value always gets the same token")
        {
            tenant, type, ttl, subject,
        };
        command.SetAction((parse, _) => VaultSession.RunAsync("tokenize", async session =>
        {
            var tenantId = parse.GetValue(tenant)!;
            await session.EnsureEmbeddedTenantAsync(tenantId).ConfigureAwait(false);
            var entityType = parse.GetValue(type)!;
            var lifetime = parse.GetValue(ttl);
            var subjectRef = parse.GetValue(subject);
            foreach (var batch in ReadLines().Chunk(Batch))
            {
                var items = batch.Select(v => new TokenizeInput(entityType, v, subjectRef, lifetime)).ToArray();
                foreach (var token in await session.Runtime.Pseudonyms.TokenizeAsync(session.Caller, tenantId, items).ConfigureAwait(false))
                {
                    Terminal.Out.WriteLine(token);
                }
            }

            return 0;
        }));
        return command;
    }

    public static Command Detokenize()
    {
        var tenant = TenantOption();
        var command = new Command("detokenize", "Tokens on stdin (one per line) → values on stdout; a token the vault does not know is printed as it is")
        {
            tenant,
        };
        command.SetAction((parse, _) => VaultSession.RunAsync("detokenize", async session =>
        {
            var tenantId = parse.GetValue(tenant)!;
            var missing = 0;
            foreach (var batch in ReadLines().Chunk(Batch))
            {
                var results = await session.Runtime.Pseudonyms.DetokenizeAsync(session.Caller, tenantId, batch).ConfigureAwait(false);
                for (var i = 0; i < batch.Length; i++)
                {
                    missing += results[i].Found ? 0 : 1;
                    Terminal.Out.WriteLine(results[i].Found ? results[i].Value : batch[i]);
                }
            }

            if (missing > 0)
            {
                Terminal.Error.WriteLine($"pi detokenize: {missing} token(s) not known to tenant {tenantId}; printed as given");
            }

            return 0;
        }));
        return command;
    }

    internal static Option<string> TenantOption() => new("--tenant") { Description = "Tenant ID", Required = true };

    private static IEnumerable<string> ReadLines()
    {
        using var reader = new StreamReader(Terminal.OpenStandardInput());
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
