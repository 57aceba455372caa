using Npgsql;
using NUnit.Framework;

namespace PrivateInference.TokenVault.IntegrationTests;

/// <summary>Checks the real services before any test runs and says how to start them when they are missing.</summary>
/// <remarks>In the assembly's root namespace, so it runs before every test in the assembly. Locally a missing service
/// skips the tests; under CI it fails them, so a broken CI set-up can never pass by running nothing.</remarks>
[SetUpFixture]
public sealed class AssemblySetUp
{
    private const string HowToRun =
        "Run the tests through scripts/test.sh, which starts a throw-away PostgreSQL and SoftHSM2 token and exports " +
        "PI_TEST_POSTGRES, PI_TEST_PG_CTL, PI_PKCS11_MODULE, PI_PKCS11_TOKEN, PI_PKCS11_PIN and SOFTHSM2_CONF " +
        "(or export them yourself for servers you run).";

    [OneTimeSetUp]
    public async Task Check_that_the_real_services_are_configured_and_reachable()
    {
        var missing = TestEnvironment.RequiredVariables
            .Where(name => string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(name)))
            .ToList();
        if (missing.Count > 0)
        {
            Stop($"Missing environment variable(s): {string.Join(", ", missing)}. {HowToRun}");
        }

        if (!File.Exists(TestEnvironment.Pkcs11Module))
        {
            Stop($"PI_PKCS11_MODULE points to '{TestEnvironment.Pkcs11Module}', which does not exist (apt-get install softhsm2). {HowToRun}");
        }

        try
        {
            await using var dataSource = NpgsqlDataSource.Create(TestEnvironment.PostgresConnectionString);
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync();
        }
        catch (NpgsqlException e)
        {
            // The connection string carries a password: report the failure, never the string.
            Stop($"PI_TEST_POSTGRES is set but PostgreSQL did not answer ({e.GetType().Name}: {e.Message}). {HowToRun}");
        }
    }

    private static void Stop(string message)
    {
        if (TestEnvironment.IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }
}
