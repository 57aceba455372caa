namespace PrivateInference.Cli;

/// <summary>Where the embedded default keeps its files: <c>PI_HOME</c>, else <c>~/.privateinference</c>.</summary>
internal static class PiHome
{
    public static string Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("PI_HOME");
            return string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".privateinference")
                : configured;
        }
    }
}
