using Federation.Gateway.Pages;
using Federation.Gateway.Routing;

namespace Federation.Gateway.Proxy;

/// <summary>Paths of retired systems answer 410 Gone with a page that says so, not a bare 404.</summary>
public sealed class RetiredSystemMiddleware(RequestDelegate next, SystemDirectory directory)
{
    public Task InvokeAsync(HttpContext context) =>
        directory.Current.FindRetired(context.Request.Path) is { } retired
            ? WriteGoneAsync(context, retired.Id, retired.Name)
            : next(context);

    public static Task WriteGoneAsync(HttpContext context, string systemId, string name) =>
        GatewayResponses.WriteAsync(context, StatusCodes.Status410Gone, "retired",
            new($"{name} är avvecklat", $"{name} has been retired"),
            new($"{name} har avvecklats och finns inte längre. Fråga din skola eller förvaltningen vilket system som ersätter det.",
                $"{name} has been retired and no longer exists. Ask your school or the administration which system replaces it."),
            "System retired", $"The system '{systemId}' has been retired and is no longer available.", systemId);
}
