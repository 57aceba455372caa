using System.CommandLine;
using PrivateInference.Cli.Commands;
using PrivateInference.Cli.Output;

var root = new RootCommand("pi: PrivateInference's command line (redaction-first tokenization pipeline)")
{
    ScanCommand.Create(),
    RedactCommand.Create(),
    RehydrateCommand.Rehydrate(),
    RehydrateCommand.DevToken(),
    TokenizeCommands.Tokenize(),
    TokenizeCommands.Detokenize(),
    KeysCommand.Create(),
    AuditCommand.Create(),
    VaultCommand.Create(),
    VaultCommand.Identity(),
};

var exitCode = await root.Parse(args).InvokeAsync();
Terminal.Out.Flush();
return exitCode;
