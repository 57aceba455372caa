using PrivateInference.TokenVault.Storage;

namespace PrivateInference.Cli;

/// <summary>Where the embedded default keeps its files: <c>PI_HOME</c>, else <c>~/.privateinference</c>
/// (resolved in one place, <see cref="VaultStoreOptions.Home()"/>).</summary>
internal static class PiHome
{
    public static string Directory => VaultStoreOptions.Home();
}
