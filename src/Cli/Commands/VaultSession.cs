using PrivateInference.Cli.Output;
using PrivateInference.TokenVault;
using PrivateInference.TokenVault.Authorization;
using PrivateInference.TokenVault.Keys;
using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Cli.Commands;

/// <summary>
/// The vault as the command line uses it: the embedded default (SQLite in <c>$PI_HOME/vault.db</c>, local
/// development key in <c>$PI_HOME/keys</c>) unless <c>PI_VAULT_POSTGRES</c> and <c>PI_PKCS11_*</c> name real ones.
/// </summary>
/// <remarks>
/// Who is calling: the identity in <c>PI_VAULT_TOKEN</c> (a signed service token, checked against
/// <c>PI_VAULT_JWKS</c> or <c>$PI_HOME/identity/jwks.json</c>) when set; otherwise, on the embedded default only,
/// the local operator, who holds every role. Against PostgreSQL a token is required.
/// </remarks>
internal sealed class VaultSession : IAsyncDisposable
{
    public const string TokenVariable = "PI_VAULT_TOKEN";
    public const string JwksVariable = "PI_VAULT_JWKS";

    /// <summary>EX_NOPERM: no usable identity.</summary>
    public const int NoPermission = 77;

    /// <summary>EX_UNAVAILABLE / EX_SOFTWARE-like: the vault refused or failed.</summary>
    public const int Refused = 69;

    private VaultSession(VaultRuntime runtime, Caller caller, bool embedded)
    {
        Runtime = runtime;
        Caller = caller;
        Embedded = embedded;
    }

    public VaultRuntime Runtime { get; }

    public Caller Caller { get; }

    /// <summary>True on the embedded default (SQLite vault file).</summary>
    public bool Embedded { get; }

    public static string IdentityDirectory => Path.Combine(PiHome.Directory, "identity");

    public static string LocalKeyDirectory => Path.Combine(PiHome.Directory, "keys");

    /// <summary>Opens the vault or explains on stderr why not (returns null).</summary>
    public static async Task<VaultSession?> OpenAsync(string command)
    {
        var storeOptions = VaultStoreOptions.FromEnvironment();
        var embedded = storeOptions.Backend == "sqlite";
        Caller caller;
        var token = Environment.GetEnvironmentVariable(TokenVariable);
        if (!string.IsNullOrWhiteSpace(token))
        {
            var jwks = Environment.GetEnvironmentVariable(JwksVariable);
            jwks = string.IsNullOrWhiteSpace(jwks) ? Path.Combine(IdentityDirectory, "jwks.json") : jwks;
            if (!File.Exists(jwks))
            {
                Terminal.Error.WriteLine($"pi {command}: {TokenVariable} is set but no issuer keys were found ({JwksVariable} or $PI_HOME/identity/jwks.json)");
                return null;
            }

            try
            {
                caller = await new ServiceTokenValidator(new ServiceIdentityOptions { JwksFile = jwks }).ValidateAsync(token).ConfigureAwait(false);
            }
            catch (VaultException ex)
            {
                Terminal.Error.WriteLine($"pi {command}: {ex.Message}");
                return null;
            }
        }
        else if (embedded)
        {
            caller = Caller.LocalOperator;
        }
        else
        {
            Terminal.Error.WriteLine($"pi {command}: against PostgreSQL the vault needs an identity: set {TokenVariable} to a service token");
            return null;
        }

        IKekProvider kek;
        try
        {
            kek = KekProviderFactory.Create(LocalKeyDirectory);
        }
        catch (KeyUnavailableException ex)
        {
            Terminal.Error.WriteLine($"pi {command}: {ex.Message}");
            return null;
        }

        if (kek.IsDevelopmentOnly)
        {
            Terminal.Error.WriteLine("pi: vault keys come from the LOCAL DEVELOPMENT key provider ($PI_HOME/keys), not an HSM: development only");
        }

        var store = VaultStoreFactory.Create(storeOptions);
        try
        {
            var runtime = await VaultRuntime.OpenAsync(store, kek).ConfigureAwait(false);
            return new VaultSession(runtime, caller, embedded);
        }
        catch (VaultStoreUnavailableException ex)
        {
            kek.Dispose();
            await store.DisposeAsync().ConfigureAwait(false);
            Terminal.Error.WriteLine($"pi {command}: {ex.Message}");
            return null;
        }
    }

    /// <summary>On the embedded default a tenant is created on first use, with a local development key.</summary>
    public async Task EnsureEmbeddedTenantAsync(string tenantId)
    {
        if (Embedded && await Runtime.Store.GetTenantAsync(tenantId).ConfigureAwait(false) is null)
        {
            await Runtime.Keys.CreateTenantAsync(Caller, tenantId).ConfigureAwait(false);
            Terminal.Error.WriteLine($"pi: created tenant {tenantId} in the embedded vault");
        }
    }

    /// <summary>Runs a vault action, printing a refusal's fixed message on stderr.</summary>
    public static async Task<int> RunAsync(string command, Func<VaultSession, Task<int>> action)
    {
        var session = await OpenAsync(command).ConfigureAwait(false);
        if (session is null)
        {
            return NoPermission;
        }

        await using (session.ConfigureAwait(false))
        {
            try
            {
                return await action(session).ConfigureAwait(false);
            }
            catch (VaultException ex)
            {
                Terminal.Error.WriteLine($"pi {command}: {ex.Message}");
                return ex.Kind is VaultErrorKind.PermissionDenied or VaultErrorKind.Unauthenticated ? NoPermission : Refused;
            }
        }
    }

    public ValueTask DisposeAsync() => Runtime.DisposeAsync();
}
