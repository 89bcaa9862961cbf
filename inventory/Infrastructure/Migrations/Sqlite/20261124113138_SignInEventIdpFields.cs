using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federation.Inventory.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignInEventIdpFields : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Subject",
                table: "SignInEvents",
                type: "TEXT",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 200);

            migrationBuilder.AddColumn<string>(
                name: "TraceId",
                table: "SignInEvents",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UserName",
                table: "SignInEvents",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TraceId",
                table: "SignInEvents");

            migrationBuilder.DropColumn(
                name: "UserName",
                table: "SignInEvents");

            migrationBuilder.AlterColumn<string>(
                name: "Subject",
                table: "SignInEvents",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 200,
                oldNullable: true);
        }
    }
}
