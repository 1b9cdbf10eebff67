using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Formation.Commerce;
using Formation.Commerce.Data;
using Formation.Learning.Contracts;
using Formation.Shell.Validation;
using Formation.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Formation.Tests.Commerce;

/// <summary>Seat pools and their ledger: assignment (e-mail, CSV), never over-allocated, consumption at first launch, reclaim, refunds, expiry, employer space.</summary>
[Collection(CommerceCollection.Name), Trait("Category", "Integration")]
public sealed partial class CommerceSeatTests(CommerceFixture fixture) : IAsyncLifetime
{
    private readonly TestPortal _portal = new("places");
    private FormationFactory Factory => fixture.Factory;
    private StripeTestServer Stripe => fixture.Stripe;

    public Task InitializeAsync() => Factory.RunRecipeAsync(CommerceTestSupport.Recipe(_portal, employees: 4));
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A paid card order of <paramref name="seats"/> seats: returns the order, pool and employer ids.</summary>
    private async Task<(Guid OrderId, Guid PoolId, Guid EmployerId, HttpClient Manager)> PaidPoolAsync(int seats)
    {
        var manager = Factory.ClientFor(_portal.Host);
        await manager.LogInAsync(_portal.Email("employer-manager"), TestPortal.Password);
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-payant");
        var (_, checkout) = await CommerceTestSupport.BuySeatsByCardAsync(manager, moduleId, seats);
        var sessionId = checkout.Segments[^1];
        Stripe.Complete(sessionId, paid: true);
        var payload = Stripe.Event("checkout.session.completed", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await Factory.ClientFor(_portal.Host).PostWebhookAsync(payload, StripeTestServer.Sign(payload))).StatusCode);
        var orderId = Guid.Parse(Stripe.Session(sessionId)["client_reference_id"]!.GetValue<string>());
        var (poolId, employerId) = await Factory.InPortalAsync(_portal, async sp =>
        {
            var pool = await sp.GetRequiredService<CommerceDbContext>().Pools.AsNoTracking().SingleAsync(p => p.OrderId == orderId);
            return (pool.Id, pool.OrganisationId);
        });
        return (orderId, poolId, employerId, manager);
    }

    [Fact]
    public async Task Fifty_concurrent_assignments_on_a_pool_of_ten_give_exactly_ten()
    {
        var (orderId, poolId, employerId, _) = await PaidPoolAsync(10);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            try
            {
                await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, $"personne{i}@{_portal.Id}.test", null, "http://x/invitation", default));
                return "ok";
            }
            catch (ValidationFailedException ex) { return ex.Message; }
        })));
        Assert.Equal(10, outcomes.Count(o => o == "ok"));
        Assert.All(outcomes.Where(o => o != "ok"), o => Assert.Equal("Plus aucune place disponible sur ce lot.", o));
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(10, seats.Count(s => s.State == SeatState.Assigned));
        Assert.Equal(10, seats.Select(s => s.AssigneeEmail).Distinct().Count());
        Assert.Equal(10, await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<CommerceDbContext>().Movements.CountAsync(m => m.PoolId == poolId && m.To == SeatState.Assigned)));
    }

    [Fact]
    public async Task Csv_upload_reports_each_line_and_applies_the_accepted_ones_together()
    {
        var (orderId, poolId, _, manager) = await PaidPoolAsync(3);
        var csv = $"email\n{CommerceTestSupport.Employee(_portal, 1)}\npas-une-adresse\n{CommerceTestSupport.Employee(_portal, 2)}\n{CommerceTestSupport.Employee(_portal, 1)}\n{CommerceTestSupport.Employee(_portal, 3)}\n{CommerceTestSupport.Employee(_portal, 4)}\n";
        var html = await UploadAsync(manager, poolId, csv);
        Assert.Contains("3 ligne(s) acceptée(s), 3 refusée(s)", html);
        Assert.Contains("Adresse électronique invalide.", html);
        Assert.Contains("Adresse déjà présente plus haut dans le fichier.", html);
        Assert.Contains("Plus aucune place disponible sur ce lot.", html);
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(3, seats.Count(s => s.State == SeatState.Assigned));

        // The employees are enrolled through Learning, with the seat as reference.
        var enrolment = await Factory.InPortalAsync(_portal, async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Formation.Identity.Data.FormationUser>>();
            var user = await users.FindByEmailAsync(CommerceTestSupport.Employee(_portal, 2));
            return await sp.GetRequiredService<IEnrolments>().FindAsync(user!.Id, await Factory.ModuleIdAsync(_portal, "module-payant"));
        });
        Assert.Equal(EnrolmentSources.Commerce, enrolment!.Source);
        Assert.Contains(seats, s => s.Id.ToString() == enrolment.Reference);

        // A hostile file: too large.
        var big = await UploadAsync(manager, poolId, new string('a', SeatLedger.MaxCsvBytes + 10));
        Assert.Contains("Le fichier dépasse 256 Ko.", big);
    }

    private static async Task<string> UploadAsync(HttpClient manager, Guid poolId, string csv)
    {
        var page = await manager.GetStringAsync($"/employeur/lots/{poolId}");
        var token = WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "fichier", "equipe.csv");
        var response = await manager.PostAsync($"/employeur/lots/{poolId}?handler=Fichier", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [Fact]
    public async Task A_seat_is_consumed_when_the_learner_starts_and_is_then_neither_reclaimable_nor_refundable()
    {
        var (orderId, poolId, employerId, manager) = await PaidPoolAsync(2);
        var email = CommerceTestSupport.Employee(_portal, 1);
        await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, email, null, "http://x/invitation", default));

        var learner = Factory.ClientFor(_portal.Host);
        await learner.LogInAsync(email, TestPortal.Password);
        var moduleId = await Factory.ModuleIdAsync(_portal, "module-payant");
        var enrolmentId = await Factory.InPortalAsync(_portal, async sp =>
        {
            var users = sp.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Formation.Identity.Data.FormationUser>>();
            return (await sp.GetRequiredService<IEnrolments>().FindAsync((await users.FindByEmailAsync(email))!.Id, moduleId))!.Id;
        });
        var launch = await learner.SubmitAsync($"/mes-formations/{enrolmentId}", new Dictionary<string, string>(), postUrl: $"/mes-formations/{enrolmentId}?handler=Lancer");
        Assert.Equal(HttpStatusCode.Redirect, launch.StatusCode);
        await Factory.DispatchEventsAsync();

        var seat = (await Factory.SeatsAsync(_portal, orderId)).Single(s => s.AssigneeEmail == email);
        Assert.Equal(SeatState.Consumed, seat.State);
        Assert.NotNull(seat.ConsumedUtc);
        var reclaim = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.InPortalAsync(_portal, async sp => { await sp.GetRequiredService<SeatLedger>().ReclaimAsync(seat.Id, employerId, null, default); return 0; }));
        Assert.Contains("pas encore commencée", reclaim.Message);

        // One seat left unconsumed: a refund of two is refused, a refund of one releases it.
        var order = await Factory.OrderAsync(_portal, orderId);
        var tooMany = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.InPortalAsync(_portal, async sp =>
        {
            await sp.GetRequiredService<Orders>().RefundAsync(orderId, order.Lines[0].Id, 2, null, sp.GetRequiredService<Formation.Commerce.Payments.StripeGateway>(), default);
            return 0;
        }));
        Assert.Contains("de 1 à 1", tooMany.Message);
        await Factory.InPortalAsync(_portal, async sp =>
        {
            await sp.GetRequiredService<Orders>().RefundAsync(orderId, order.Lines[0].Id, null, null, sp.GetRequiredService<Formation.Commerce.Payments.StripeGateway>(), default);
            return 0;
        });
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(SeatState.Consumed, seats.Single(s => s.Id == seat.Id).State);
        Assert.Equal(SeatState.Released, seats.Single(s => s.Id != seat.Id).State);
        Assert.Equal(OrderStatus.PartiallyRefunded, (await Factory.OrderAsync(_portal, orderId)).Status);

        // The employer space shows the employee's progress and exports it.
        var team = await manager.GetStringAsync("/employeur/equipe");
        Assert.Contains("En cours", team);
        var export = await manager.GetAsync("/employeur/equipe?handler=Export");
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Contains(email, await export.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reclaim_frees_an_assigned_seat_and_the_ledger_keeps_the_history()
    {
        var (orderId, poolId, employerId, manager) = await PaidPoolAsync(1);
        var email = CommerceTestSupport.Employee(_portal, 3);
        var seat = await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, email, null, "http://x/invitation", default));
        var again = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, email.ToUpperInvariant(), null, "http://x/invitation", default)));
        Assert.Contains("a déjà une place", again.Message);
        var reclaim = await manager.SubmitAsync($"/employeur/lots/{poolId}", new Dictionary<string, string>(), postUrl: $"/employeur/lots/{poolId}?handler=Reprendre&seatId={seat.Id}");
        Assert.Equal(HttpStatusCode.Redirect, reclaim.StatusCode);
        var seats = await Factory.SeatsAsync(_portal, orderId);
        Assert.Equal(SeatState.Available, seats.Single().State);
        var history = await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<CommerceDbContext>().Movements.Where(m => m.SeatId == seat.Id).OrderBy(m => m.Id).Select(m => m.Reason).ToListAsync());
        Assert.Equal(["assigned", "reclaimed"], history);
        Assert.Contains("Disponibles", await manager.GetStringAsync("/employeur"));
    }

    [Fact]
    public async Task An_invited_person_gets_the_seat_at_first_sign_in()
    {
        var (orderId, poolId, _, manager) = await PaidPoolAsync(1);
        var email = $"nouvelle-recrue@{_portal.Id}.test";
        var assign = await manager.SubmitAsync($"/employeur/lots/{poolId}", new Dictionary<string, string> { ["Email"] = email }, postUrl: $"/employeur/lots/{poolId}?handler=Attribuer");
        Assert.Equal(HttpStatusCode.Redirect, assign.StatusCode);
        var link = await InvitationLinkAsync(email);
        var invited = Factory.ClientFor(_portal.Host);
        var accepted = await invited.SubmitAsync(link.PathAndQuery, new Dictionary<string, string> { ["Input.DisplayName"] = "Nouvelle Recrue", ["Input.Password"] = "Recrue-2026-solide" });
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var seat = (await Factory.SeatsAsync(_portal, orderId)).Single();
        Assert.NotNull(seat.AssigneeUserId);
        Assert.Contains("Module payant", await invited.GetStringAsync("/mes-formations"));
    }

    private async Task<Uri> InvitationLinkAsync(string to)
    {
        var folder = Path.Combine(Factory.DataPath, "mail");
        foreach (var file in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml") : [])
        {
            var message = await MimeKit.MimeMessage.LoadAsync(file);
            if (message.To.Mailboxes.Any(m => m.Address == to))
                return new Uri(WebUtility.HtmlDecode(Regex.Match(message.HtmlBody, "href=\"(http[^\"]+)\"").Groups[1].Value));
        }
        throw new Xunit.Sdk.XunitException("No invitation to " + to);
    }

    [Fact]
    public async Task An_expired_pool_takes_no_assignment_and_other_employers_cannot_reach_it()
    {
        var (_, poolId, employerId, _) = await PaidPoolAsync(1);
        await Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<CommerceDbContext>().Pools.Where(p => p.Id == poolId)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.ExpiresUtc, DateTimeOffset.UtcNow.AddDays(-1))));
        var expired = await Assert.ThrowsAsync<ValidationFailedException>(() => Factory.InPortalAsync(_portal, sp => sp.GetRequiredService<SeatLedger>().AssignAsync(poolId, employerId, CommerceTestSupport.Employee(_portal, 1), null, "http://x", default)));
        Assert.Contains("a expiré", expired.Message);

        var other = Factory.ClientFor(_portal.Host);
        await other.LogInAsync(CommerceTestSupport.DepartementManager(_portal), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/employeur/lots/{poolId}")).StatusCode);

        var intruder = new TestPortal("intrus");
        await Factory.RunRecipeAsync(intruder.Recipe(features: CommerceTestSupport.Features));
        var foreign = Factory.ClientFor(intruder.Host);
        await foreign.LogInAsync(intruder.Email("employer-manager"), TestPortal.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.GetAsync($"/employeur/lots/{poolId}")).StatusCode);
    }
}
