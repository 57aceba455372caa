using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PrivateInference.Cli.Output;
using PrivateInference.TokenVault.Audit;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi audit verify --tenant T</c> and <c>pi audit export --tenant T</c>: the tamper-evident trail for auditors and SIEMs;
/// signed checkpoints of it, and the rotation of their signing key.</summary>
internal static class AuditCommand
{
    /// <summary>Exit code of a broken chain.</summary>
    private const int Broken = 1;

    public static Command Create()
    {
        var command = new Command("audit", "Verify and export the hash-chained audit trail; sign checkpoints of it");
        command.Subcommands.Add(Verify());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Checkpoint());
        command.Subcommands.Add(Checkpoints());
        command.Subcommands.Add(PublicKey());
        command.Subcommands.Add(RotateSigningKey());
        return command;
    }

    private static Command Checkpoint()
    {
        var tenant = TokenizeCommands.TenantOption();
        var command = new Command("checkpoint", "Verify the chain and sign its head with the audit signing key; prints the checkpoint as a JSON line (keep it)") { tenant };
        command.SetAction((parse, _) => VaultSession.RunAsync("audit checkpoint", async session =>
        {
            Terminal.Out.WriteLine(CheckpointJson(await session.Runtime.Audit.CheckpointAsync(session.Caller, parse.GetValue(tenant)!).ConfigureAwait(false)));
            return 0;
        }));
        return command;
    }

    private static Command Checkpoints()
    {
        var tenant = TokenizeCommands.TenantOption();
        var command = new Command("checkpoints", "Print the tenant's stored signed checkpoints as JSON Lines (with an export and the public key, for offline checks)") { tenant };
        command.SetAction((parse, _) => VaultSession.RunAsync("audit checkpoints", async session =>
        {
            foreach (var checkpoint in await session.Runtime.Audit.ListCheckpointsAsync(session.Caller, parse.GetValue(tenant)!).ConfigureAwait(false))
            {
                Terminal.Out.WriteLine(CheckpointJson(checkpoint));
            }

            return 0;
        }));
        return command;
    }

    private static Command PublicKey()
    {
        var version = new Option<int?>("--version") { Description = "Only this key version (default: every version, oldest first)" };
        var command = new Command("public-key", "Print the audit verification keys (PEM; EC P-256) that checkpoints are signed with: every version, or --version N") { version };
        command.SetAction((parse, _) => VaultSession.RunAsync("audit public-key", async session =>
        {
            foreach (var key in await session.Runtime.Audit.GetPublicKeysAsync(session.Caller, parse.GetValue(version)).ConfigureAwait(false))
            {
                Terminal.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"key version {key.Version}, key id: {key.KeyId}"));
                Terminal.Out.WriteLine(key.Pem);
            }

            return 0;
        }));
        return command;
    }

    private static Command RotateSigningKey()
    {
        var command = new Command("rotate-signing-key", "Key admins: make the next audit signing key version (new checkpoints are signed with it); older versions only verify");
        command.SetAction((parse, _) => VaultSession.RunAsync("audit rotate-signing-key", async session =>
        {
            var key = await session.Runtime.Keys.RotateAuditSigningKeyAsync(session.Caller).ConfigureAwait(false);
            Terminal.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit signing key rotated: key version {key.Version}, key id: {key.KeyId}"));
            Terminal.Out.WriteLine(key.Pem);
            return 0;
        }));
        return command;
    }

    private static string CheckpointJson(SignedAuditCheckpoint c) => JsonSerializer.Serialize(new
    {
        tenant_id = c.TenantId,
        seq = c.Seq,
        head_hash = Convert.ToHexStringLower(c.HeadHash),
        at = c.At.ToString("O", CultureInfo.InvariantCulture),
        key_id = c.KeyId,
        key_version = c.KeyVersion,
        signature = Convert.ToBase64String(c.Signature),
    });

    private static Command Verify()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Tenant whose chain to verify (\"_system\" for refusals without a tenant); default: every chain" };
        var command = new Command("verify", "Check the hash chain; exit 1 and name the first bad record when it was edited, deleted or reordered, or the signed checkpoints it records that were deleted; name the key changes whose outcome is unknown") { tenant };
        command.SetAction((parse, _) => VaultSession.RunAsync("audit verify", async session =>
        {
            var chains = parse.GetValue(tenant) is { } one ? [one] : await session.Runtime.Audit.ListChainsAsync(session.Caller).ConfigureAwait(false);
            var exit = 0;
            foreach (var chain in chains)
            {
                var result = await session.Runtime.Audit.VerifyAsync(session.Caller, chain).ConfigureAwait(false);
                if (result.IsIntact)
                {
                    Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chain}: intact, {result.Verified} records"));
                }
                else
                {
                    if (result.Break != AuditBreak.CheckpointMissing)
                    {
                        Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{chain}: BROKEN at seq {result.BrokenAtSeq}: record {AuditProblems.Name(result.Break!.Value)} ({result.Verified} records verified before it)"));
                    }

                    exit = Broken;
                }

                if (result.MissingCheckpoints.Count > 0)
                {
                    // A break of its own, found after every record verified: the MISSING line is the chain's verdict.
                    Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{chain}: MISSING the signed checkpoint(s) at seq {string.Join(", ", result.MissingCheckpoints)}: recorded on the chain as stored, no longer in the vault (deleted)"));
                }

                if (result.OutcomeUnknown.Count > 0)
                {
                    Terminal.Out.WriteLine($"{chain}: {OutcomeUnknown(result.OutcomeUnknown)}");
                }

                if (result.CheckpointsVerified > 0)
                {
                    Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chain}: {result.CheckpointsVerified} signed checkpoint(s) verified against the chain"));
                }

                if (result.InvalidCheckpoints.Count > 0)
                {
                    Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{chain}: INVALID signature on the checkpoint(s) at seq {string.Join(", ", result.InvalidCheckpoints)} (forged or altered)"));
                    exit = Broken;
                }

                if (result.UnknownKeyCheckpoints.Count > 0)
                {
                    Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{chain}: UNKNOWN signing key version on the checkpoint(s) at seq {string.Join(", ", result.UnknownKeyCheckpoints)} (no key to check them)"));
                    exit = Broken;
                }

                if (result.UnrecordedCheckpoints.Count > 0)
                {
                    Terminal.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{chain}: no checkpoint record names the stored checkpoint(s) at seq {string.Join(", ", result.UnrecordedCheckpoints)} (its record failed after it was stored, or a forged row: see its signature)"));
                }
            }

            return exit;
        }));
        return command;
    }

    private static Command Export()
    {
        var tenant = TokenizeCommands.TenantOption();
        var from = new Option<long>("--from") { Description = "First sequence number", DefaultValueFactory = _ => 1 };
        var output = new Option<string?>("--out") { Description = "Write JSON Lines here (default: stdout)" };
        var command = new Command("export", "Write the tenant's audit records as JSON Lines for a SIEM") { tenant, from, output };
        command.SetAction((parse, _) => VaultSession.RunAsync("audit export", async session =>
        {
            var path = parse.GetValue(output);
            var writer = path is null ? Terminal.Out : new StreamWriter(path);
            var intents = new AuditIntents();
            try
            {
                await foreach (var r in session.Runtime.Audit.ExportAsync(session.Caller, parse.GetValue(tenant)!, parse.GetValue(from)).ConfigureAwait(false))
                {
                    intents.Add(r);
                    await writer.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        tenant_id = r.TenantId,
                        seq = r.Seq,
                        at = r.At.ToString("O", CultureInfo.InvariantCulture),
                        actor = r.Actor,
                        action = r.Action,
                        outcome = r.Outcome,
                        detail = JsonDocument.Parse(r.DetailJson).RootElement,
                        detail_json = r.DetailJson,
                        prev_hash = Convert.ToHexStringLower(r.PrevHash),
                        hash = Convert.ToHexStringLower(r.Hash),
                    })).ConfigureAwait(false);
                }
            }
            finally
            {
                if (path is not null)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
            }

            // On standard error: the JSON Lines stay records only, for the SIEM.
            if (intents.OutcomeUnknown.Count > 0)
            {
                Terminal.Error.WriteLine($"pi audit export: {OutcomeUnknown(intents.OutcomeUnknown)}");
            }

            return 0;
        }));
        return command;
    }

    private static string OutcomeUnknown(IReadOnlyList<long> seqs) =>
        string.Create(CultureInfo.InvariantCulture, $"outcome unknown for the key change(s) started at seq {string.Join(", ", seqs)} (an intent without an outcome record: the change may have happened)");
}
