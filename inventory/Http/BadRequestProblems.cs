using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Federation.Inventory.Http;

/// <summary>
/// Turns a request the server could not read (not JSON, wrong shape, too large) into a 400 or
/// 413 problem detail that says what was wrong, instead of a bare status or a 500.
/// </summary>
public sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var json = FindJsonException(bad);
        var problem = new ProblemDetails
        {
            Status = bad.StatusCode,
            Title = bad.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                _ => json is null ? "The request could not be read." : "The request body is not valid JSON for this endpoint.",
            },
            Detail = json is null ? bad.Message : $"{json.Message}",
        };
        if (json?.Path is { } path)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [path.TrimStart('$', '.')] = [json.Message] };
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static JsonException? FindJsonException(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json;
            }
        }

        return null;
    }
}
