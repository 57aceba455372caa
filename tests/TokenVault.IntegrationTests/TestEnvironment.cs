namespace PrivateInference.TokenVault.IntegrationTests;

/// <summary>The real services the integration tests use, as exported by scripts/test.sh.</summary>
internal static class TestEnvironment
{
    public const string PostgresVariable = "PI_TEST_POSTGRES";
    public const string ModuleVariable = "PI_PKCS11_MODULE";
    public const string TokenVariable = "PI_PKCS11_TOKEN";
    public const string PinVariable = "PI_PKCS11_PIN";
    public const string PgCtlVariable = "PI_TEST_PG_CTL";

    public static readonly string[] RequiredVariables = [PostgresVariable, ModuleVariable, TokenVariable, PinVariable, PgCtlVariable];

    public static string PostgresConnectionString => Required(PostgresVariable);

    public static string Pkcs11Module => Required(ModuleVariable);

    public static string Pkcs11Token => Required(TokenVariable);

    public static string Pkcs11Pin => Required(PinVariable);

    /// <summary>A script that runs pg_ctl on the test cluster as its owner (e.g. <c>restart -m fast</c>).</summary>
    public static string PgCtl => Required(PgCtlVariable);

    public static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci
        && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set; run scripts/test.sh.");
}
