using System.CommandLine;
using PrivateInference.Cli.Output;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi vault migrate</c>, <c>pi vault maintain</c> and <c>pi identity …</c>: operating the vault.</summary>
internal static class VaultCommand
{
    public static Command Create()
    {
        var command = new Command("vault", "Operate the vault's database");
        var migrate = new Command("migrate", "Apply the numbered SQL migrations not yet applied (PI_VAULT_POSTGRES, else $PI_HOME/vault.db)");
        migrate.SetAction(async (_, cancellationToken) =>
        {
            var options = VaultStoreOptions.FromEnvironment();
            var store = VaultStoreFactory.Create(options);
            await using var disposable = store.ConfigureAwait(false);
            try
            {
                var applied = await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
                Terminal.Out.WriteLine(applied.Count == 0
                    ? $"{options.Backend}: schema is current"
                    : $"{options.Backend}: applied migration(s) {string.Join(", ", applied)}");
                return 0;
            }
            catch (VaultStoreUnavailableException ex)
            {
                Terminal.Error.WriteLine($"pi vault migrate: {ex.Message}");
                return VaultSession.Refused;
            }
        });
        var maintain = new Command("maintain", "One maintenance pass now: purge expired tokens, re-encrypt rows under older DEKs");
        maintain.SetAction((_, _) => VaultSession.RunAsync("vault maintain", async session =>
        {
            await session.Runtime.RunMaintenanceOnceAsync().ConfigureAwait(false);
            Terminal.Out.WriteLine("maintenance pass done");
            return 0;
        }));
        command.Subcommands.Add(migrate);
        command.Subcommands.Add(maintain);
        return command;
    }

    public static Command Identity()
    {
        var command = new Command("identity", "Development service identities: a local signing key and tokens signed with it (never for production)");
        var init = new Command("init", "Create the local signing key ($PI_HOME/identity/signing-key.pem, mode 0600) and its JWKS");
        init.SetAction(_ =>
        {
            ServiceTokens.InitializeSigningKey(VaultSession.IdentityDirectory);
            Terminal.Out.WriteLine(Path.Combine(VaultSession.IdentityDirectory, "jwks.json"));
            return 0;
        });
        var subject = new Option<string>("--subject") { Description = "Identity name, e.g. svc:rehydrator or admin:alice", Required = true };
        var roles = new Option<string[]>("--role") { Description = "tokenizer, detokenizer, key-admin, auditor or eraser (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var ttl = new Option<TimeSpan>("--ttl") { Description = "Lifetime", DefaultValueFactory = _ => TimeSpan.FromHours(1) };
        var token = new Command("token", "Issue a service token signed with the local key (for PI_VAULT_TOKEN)") { subject, roles, ttl };
        token.SetAction(parse =>
        {
            var granted = VaultRoles.None;
            foreach (var name in parse.GetValue(roles)!)
            {
                if (!ServiceTokens.TryParseRole(name, out var role))
                {
                    Terminal.Error.WriteLine("pi identity token: unknown role (tokenizer, detokenizer, key-admin, auditor, eraser)");
                    return 2;
                }

                granted |= role;
            }

            ServiceTokens.InitializeSigningKey(VaultSession.IdentityDirectory);
            Terminal.Out.WriteLine(ServiceTokens.Issue(VaultSession.IdentityDirectory, parse.GetValue(subject)!, granted, parse.GetValue(ttl)));
            return 0;
        });
        command.Subcommands.Add(init);
        command.Subcommands.Add(token);
        return command;
    }
}
