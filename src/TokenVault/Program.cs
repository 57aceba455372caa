using PrivateInference.TokenVault.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTokenVault();

var app = builder.Build();
app.MapTokenVault();
app.Run();
