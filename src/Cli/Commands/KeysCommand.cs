using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using PrivateInference.Cli.Output;
using PrivateInference.Cryptography;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Lifecycle;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Cli.Commands;

/// <summary><c>pi keys …</c>: the security admins' key lifecycle (BYOK). Prints names, versions and states, never key material.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Manage tenant keys: create, import (BYOK), rotate, disable/enable (kill switch), destroy (dual control), list");
        command.Subcommands.Add(Simple("create", "Create a tenant with a KEK generated in the provider", (s, t) => s.Runtime.Keys.CreateTenantAsync(s.Caller, t)));
        command.Subcommands.Add(Simple("rotate", "Rotate the tenant's KEK (data keys re-wrapped; no value re-encrypted)", (s, t) => s.Runtime.Keys.RotateKekAsync(s.Caller, t)));
        command.Subcommands.Add(Simple("rotate-dek", "Rotate the tenant's DEK (new writes use it; `pi vault maintain` or the service re-encrypts older rows)", (s, t) => s.Runtime.Keys.RotateDekAsync(s.Caller, t)));
        command.Subcommands.Add(WithReason("disable", "Kill switch: every tokenize and detokenize of the tenant fails until enabled", (s, t, r) => s.Runtime.Keys.DisableAsync(s.Caller, t, r)));
        command.Subcommands.Add(WithReason("enable", "Lift the kill switch", (s, t, r) => s.Runtime.Keys.EnableAsync(s.Caller, t, r)));
        command.Subcommands.Add(List());
        command.Subcommands.Add(ImportKey());
        command.Subcommands.Add(WrapForImport());
        command.Subcommands.Add(Import());
        command.Subcommands.Add(ApproveDestroy());
        command.Subcommands.Add(Destroy());
        return command;
    }

    private static Command Simple(string name, string description, Func<VaultSession, string, Task<TenantKeyInventory>> action)
    {
        var tenant = TokenizeCommands.TenantOption();
        var command = new Command(name, description) { tenant };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys " + name, async session =>
        {
            Print(await action(session, parse.GetValue(tenant)!).ConfigureAwait(false));
            return 0;
        }));
        return command;
    }

    /// <summary>A key change with an optional <c>--reason</c> for the audit trail.</summary>
    private static Command WithReason(string name, string description, Func<VaultSession, string, string?, Task<TenantKeyInventory>> action)
    {
        var tenant = TokenizeCommands.TenantOption();
        var reason = new Option<string?>("--reason")
        {
            Description = $"Why, recorded in the audit trail: at most {KeyAdministration.MaxReasonLength} printable ASCII characters; never data values",
        };
        var command = new Command(name, description) { tenant, reason };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys " + name, async session =>
        {
            Print(await action(session, parse.GetValue(tenant)!, parse.GetValue(reason)).ConfigureAwait(false));
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant" };
        var command = new Command("list", "Key inventory: tenants, KEK and DEK versions, states, re-encryption backlog") { tenant };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys list", async session =>
        {
            foreach (var inventory in await session.Runtime.Keys.ListAsync(session.Caller, parse.GetValue(tenant)).ConfigureAwait(false))
            {
                Print(inventory);
            }

            return 0;
        }));
        return command;
    }

    private static Command ImportKey()
    {
        var tenant = TokenizeCommands.TenantOption();
        var output = new Option<string?>("--out") { Description = "Write the public key PEM to this file (default: stdout)" };
        var command = new Command("import-key", "Get the RSA public key to wrap your key material under (BYOK step 1)") { tenant, output };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys import-key", async session =>
        {
            var key = await session.Runtime.Keys.GetImportKeyAsync(session.Caller, parse.GetValue(tenant)!).ConfigureAwait(false);
            Terminal.Error.WriteLine($"import key id: {key.Id}");
            Terminal.Error.WriteLine($"wrappings: {string.Join(", ", key.Wrappings.Select(WrappingNames.Name))}");
            Terminal.Error.WriteLine($"expires: {key.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}");
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, key.Pem).ConfigureAwait(false);
            }
            else
            {
                Terminal.Out.WriteLine(key.Pem);
            }

            Terminal.Out.WriteLine(key.Id.Value);
            return 0;
        }));
        return command;
    }

    /// <summary>The customer's side of BYOK, for tests and for admins without other tooling: wraps 32 bytes of key
    /// material (hex on stdin) under the vault's import public key. Needs no vault access.</summary>
    private static Command WrapForImport()
    {
        var publicKey = new Option<string>("--public-key") { Description = "The PEM file from `pi keys import-key`", Required = true };
        var wrapping = new Option<string>("--wrapping") { Description = "RSA_OAEP_SHA256, RSA_OAEP_SHA1 or RSA_AES_KEY_WRAP_SHA256", DefaultValueFactory = _ => "RSA_OAEP_SHA256" };
        var command = new Command("wrap-for-import", "Customer side: wrap 32 bytes of key material (hex on stdin) under the import public key; base64 on stdout")
        {
            publicKey, wrapping,
        };
        command.SetAction(parse =>
        {
            if (!WrappingNames.TryParse(parse.GetValue(wrapping)!, out var kind))
            {
                Terminal.Error.WriteLine("pi keys wrap-for-import: unknown wrapping");
                return 2;
            }

            if (kind == ImportWrapping.RsaAesKeyWrapSha1)
            {
                // RsaAesKeyWrap wraps with OAEP-SHA-256 only: a SHA-1 blob made here would not import.
                Terminal.Error.WriteLine("pi keys wrap-for-import: RSA_AES_KEY_WRAP_SHA1 is not offered here; use RSA_AES_KEY_WRAP_SHA256");
                return 2;
            }

            byte[] material;
            try
            {
                material = Convert.FromHexString(new StreamReader(Terminal.OpenStandardInput()).ReadToEnd().Trim());
            }
            catch (FormatException)
            {
                Terminal.Error.WriteLine("pi keys wrap-for-import: stdin must be the key material in hex");
                return 65;
            }

            try
            {
                if (material.Length != 32)
                {
                    Terminal.Error.WriteLine("pi keys wrap-for-import: the key material must be 32 bytes (AES-256)");
                    return 65;
                }

                using var rsa = RSA.Create();
                rsa.ImportFromPem(File.ReadAllText(parse.GetValue(publicKey)!));
                var wrapped = kind switch
                {
                    ImportWrapping.RsaOaepSha256 => rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA256),
                    ImportWrapping.RsaOaepSha1 => rsa.Encrypt(material, RSAEncryptionPadding.OaepSHA1),
                    _ => RsaAesKeyWrap.Wrap(rsa, material),
                };
                Terminal.Out.WriteLine(Convert.ToBase64String(wrapped));
                return 0;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(material);
            }
        });
        return command;
    }

    private static Command Import()
    {
        var tenant = TokenizeCommands.TenantOption();
        var id = new Option<string>("--import-key-id") { Description = "From `pi keys import-key`", Required = true };
        var wrapping = new Option<string>("--wrapping") { Description = "How the material was wrapped", DefaultValueFactory = _ => "RSA_OAEP_SHA256" };
        var wrapped = new Option<string>("--wrapped") { Description = "File with the wrapped key material in base64 (- for stdin)", Required = true };
        var command = new Command("import", "Import your wrapped key material: a new tenant's first KEK, or the next KEK version (BYOK step 2)")
        {
            tenant, id, wrapping, wrapped,
        };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys import", async session =>
        {
            if (!WrappingNames.TryParse(parse.GetValue(wrapping)!, out var kind))
            {
                Terminal.Error.WriteLine("pi keys import: unknown wrapping");
                return 2;
            }

            var path = parse.GetValue(wrapped)!;
            var text = path == "-" ? await new StreamReader(Terminal.OpenStandardInput()).ReadToEndAsync().ConfigureAwait(false) : await File.ReadAllTextAsync(path).ConfigureAwait(false);
            byte[] blob;
            ImportKeyId importKeyId;
            try
            {
                blob = Convert.FromBase64String(text.Trim());
                importKeyId = new ImportKeyId(parse.GetValue(id)!);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Terminal.Error.WriteLine("pi keys import: --wrapped must hold base64 and --import-key-id 32 hex digits");
                return 65;
            }

            Print(await session.Runtime.Keys.ImportKeyAsync(session.Caller, parse.GetValue(tenant)!, importKeyId, kind, blob).ConfigureAwait(false));
            return 0;
        }));
        return command;
    }

    private static Command ApproveDestroy()
    {
        var tenant = TokenizeCommands.TenantOption();
        var request = new Option<string>("--request") { Description = "ID of the destroy request both approvers name", Required = true };
        var command = new Command("approve-destroy", "Approve destroying the tenant's KEK (two distinct key admins must approve)") { tenant, request };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys approve-destroy", async session =>
        {
            var approvals = await session.Runtime.Keys.ApproveDestroyAsync(session.Caller, parse.GetValue(tenant)!, parse.GetValue(request)!).ConfigureAwait(false);
            Terminal.Out.WriteLine($"approvals: {approvals} of {session.Runtime.Keys.RequiredApprovals}");
            return 0;
        }));
        return command;
    }

    private static Command Destroy()
    {
        var tenant = TokenizeCommands.TenantOption();
        var request = new Option<string>("--request") { Description = "The approved destroy request", Required = true };
        var command = new Command("destroy", "Destroy every version of the tenant's KEK: cryptographic erasure, irreversible") { tenant, request };
        command.SetAction((parse, _) => VaultSession.RunAsync("keys destroy", async session =>
        {
            Print(await session.Runtime.Keys.DestroyAsync(session.Caller, parse.GetValue(tenant)!, parse.GetValue(request)!).ConfigureAwait(false));
            return 0;
        }));
        return command;
    }

    /// <summary>One line per tenant; KEK versions failed attempts left in the provider follow as <c>unused-kek=…</c>.</summary>
    private static void Print(TenantKeyInventory i)
    {
        var unused = i.UnusedKekVersions.Count == 0 ? string.Empty : $"  unused-kek=[{i.UnusedKekVersions}]";
        Terminal.Out.WriteLine(i.State == TenantState.NotCreated
            ? $"{i.TenantId}  state={i.StateName}  kek={i.KekRef} ({i.KekProvider}){unused}"
            : string.Create(CultureInfo.InvariantCulture,
                $"{i.TenantId}  state={i.StateName}  kek={i.KekRef} v{i.KekVersion} ({i.KekProvider})  dek=v{i.DekVersion}  fingerprint-key=v{i.FingerprintKeyVersion}  rows={i.Rows}  rows-below-current-dek={i.RowsBelowCurrentDek}{unused}"));
    }
}
