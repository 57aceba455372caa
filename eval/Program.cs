using PrivateInference.Eval;

// dotnet run -c Release --project eval -- generate | score   (see eval/README.md)
return await EvalCommands.RunAsync(args);
