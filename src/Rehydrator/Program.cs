using PrivateInference.Rehydrator.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRehydrator();

var app = builder.Build();
app.MapRehydrator();
app.Run();
