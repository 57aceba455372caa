using PrivateInference.Redactor.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRedactor();

var app = builder.Build();
app.MapRedactor();
app.Run();
