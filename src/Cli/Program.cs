using System.CommandLine;
using PrivateInference.Cli.Commands;
using PrivateInference.Cli.Output;

var root = new RootCommand("pi: PrivateInference's command line (redaction-first tokenization pipeline)")
{
    ScanCommand.Create(),
};

var exitCode = root.Parse(args).Invoke();
Terminal.Out.Flush();
return exitCode;
