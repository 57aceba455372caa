namespace PrivateInference.TokenVault.Keys;

/// <summary>Chooses the KEK provider from the environment: an HSM over PKCS#11 when <c>PI_PKCS11_MODULE</c> is set,
/// otherwise the development-only <see cref="LocalKekProvider"/> in the given directory.</summary>
/// <remarks>
/// Fails closed: a module without token and PIN, or a token or PIN without a module, is a configuration error and
/// never falls back to local key files. Messages name the variables, never their values. Callers check
/// <see cref="IKekProvider.IsDevelopmentOnly"/> and print <see cref="LocalKekProvider.Warning"/>.
/// </remarks>
public static class KekProviderFactory
{
    public const string ModuleVariable = "PI_PKCS11_MODULE";
    public const string TokenVariable = "PI_PKCS11_TOKEN";
    public const string PinVariable = "PI_PKCS11_PIN";

    /// <summary>The provider the process environment asks for.</summary>
    /// <param name="localKeyDirectory">Where the local provider keeps its keys (the CLI passes <c>$PI_HOME/keys</c>).</param>
    /// <exception cref="InvalidOperationException">The PKCS#11 variables are set only in part.</exception>
    /// <exception cref="KeyUnavailableException">The module, token or login failed.</exception>
    public static IKekProvider Create(string localKeyDirectory) => Create(Environment.GetEnvironmentVariable, localKeyDirectory);

    /// <summary>The provider <paramref name="environment"/> asks for; an empty or blank value counts as unset.</summary>
    public static IKekProvider Create(Func<string, string?> environment, string localKeyDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? module = Read(environment, ModuleVariable);
        string? token = Read(environment, TokenVariable);
        string? pin = Read(environment, PinVariable);

        if (module is null)
        {
            if (token is not null || pin is not null)
            {
                throw new InvalidOperationException(
                    "PI_PKCS11_TOKEN or PI_PKCS11_PIN is set but PI_PKCS11_MODULE is not: set the module too, or unset both to use development keys.");
            }

            ArgumentException.ThrowIfNullOrWhiteSpace(localKeyDirectory);
            return new LocalKekProvider(localKeyDirectory);
        }

        if (token is null || pin is null)
        {
            throw new InvalidOperationException(
                "PI_PKCS11_MODULE is set, so PI_PKCS11_TOKEN and PI_PKCS11_PIN must be set too; refusing to fall back to development keys.");
        }

        return new Pkcs11KekProvider(new Pkcs11KekProviderOptions { ModulePath = module, TokenLabel = token, Pin = pin });
    }

    private static string? Read(Func<string, string?> environment, string name) =>
        environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;
}
