using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace PrivateInference.TokenVault.Keys;

/// <summary>Lets Pkcs11Interop find <c>libdl</c> on distributions that ship only <c>libdl.so.2</c>.</summary>
/// <remarks>
/// Pkcs11Interop 5.3 P/Invokes <c>dlopen</c> from "libdl"; Debian 12 has no unversioned
/// <c>libdl.so</c>, so loading any module fails with DllNotFoundException. A resolver can be set
/// once per assembly, hence the guard.
/// </remarks>
internal static class Pkcs11NativeLibraryResolver
{
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // The host already installed a resolver for Pkcs11Interop; it owns that decision.
            }

            _installed = true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == "libdl" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out IntPtr handle)
            ? handle
            : IntPtr.Zero;
}
