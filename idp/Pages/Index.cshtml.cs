using Federation.Idp.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Federation.Idp.Pages;

public sealed class IndexModel : PageModel
{
    public FederationIdentity? Session { get; private set; }

    public async Task OnGetAsync() => Session = await FederationSession.GetAsync(HttpContext);
}
